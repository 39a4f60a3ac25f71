module github.com/lxmert-go/golxmert

go 1.26.8

require (
	github.com/nlpodyssey/gopickle v0.2.0 // indirect
	github.com/stretchr/testify v1.10.0 // indirect
	github.com/wangkuiyi/gotorch v0.0.0-20201028015551-9afed2f3ad7b // indirect
	golang.org/x/text v0.44.0 // indirect
)
