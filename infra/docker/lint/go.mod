module github.com/minzheng/platform/infra/docker/lint

go 1.26

require github.com/moby/buildkit v0.33.1
