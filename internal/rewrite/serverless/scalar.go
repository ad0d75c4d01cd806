package serverless

import (
	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// source is one parsed serverless.yml with its scalars tied to its bytes.
type source struct{ *yamlpos.Scalars }

func (s *source) scalarPieces(n *yaml.Node) ref.Virtual { return s.Pieces(n) }
