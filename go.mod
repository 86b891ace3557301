module github.com/ctibridge/ctibridge

go 1.26

require (
	github.com/hack-pad/safejs v0.1.0
	github.com/mailru/easyjson v0.9.2
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/josharian/intern v1.0.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

tool github.com/mailru/easyjson/easyjson
