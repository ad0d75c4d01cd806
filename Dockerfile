# The bumpbot image: a static binary built by scripts/build-image.sh (no
# build stage here: the binary is built on the build machine, as
# goreleaser and ko do, so the image needs no Go toolchain image), the CA
# certificates it talks TLS with, and nothing else.
FROM scratch
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY bumpbot /bumpbot
# An unprivileged user: the server needs no root, and its SQLite file (if
# used) lives in a volume mounted at /data.
USER 65532:65532
WORKDIR /data
ENV BUMPBOT_DB=/data/bumpbot.db
EXPOSE 8080
ENTRYPOINT ["/bumpbot"]
CMD ["serve"]
