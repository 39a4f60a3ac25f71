module github.com/lxmert-go/golxmert

go 1.26.0

require (
	github.com/nlpodyssey/gopickle v0.2.0
	github.com/stretchr/testify v1.10.0
	github.com/wangkuiyi/gotorch v0.0.0-20201028015551-9afed2f3ad7b
	golang.org/x/text v0.44.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
