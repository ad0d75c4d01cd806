package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/problem"
)

// repoConfig reads the repository configuration that applies to PATH:
// the file --config names (explicit), else PATH/.github/bumpbot.yml when
// PATH is a directory holding one, else none (the zero config.Repo, which
// is the behaviour without a file). A file that cannot be read or does
// not parse yields its problems, each located, and ok false: the PATH is
// then left alone rather than bumped against the maintainers' wishes.
func repoConfig(path, explicit string) (cfg config.Repo, probs []problem.Problem, ok bool) {
	file := explicit
	if file == "" {
		if info, err := os.Stat(path); err != nil || !info.IsDir() {
			return cfg, nil, true
		}
		file = filepath.Join(path, filepath.FromSlash(config.RepoPath))
		if _, err := os.Lstat(file); errors.Is(err, fs.ErrNotExist) {
			return cfg, nil, true
		}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return cfg, []problem.Problem{problem.New(problem.Config, filepath.ToSlash(file), 0, 0, err)}, false
	}
	cfg, err = config.ParseRepo(filepath.ToSlash(file), src, config.Repo{})
	if pe, isParse := errors.AsType[config.ParseErrors](err); isParse {
		for _, e := range pe {
			probs = append(probs, problem.Problem{File: e.Path, Line: e.Line, Column: e.Column, Kind: problem.Config, Message: e.Message, Err: e})
		}
		return cfg, probs, false
	}
	return cfg, nil, true
}
