//go:build tools

// Package tools pins build tools in go.mod: mage.go (which go mod tidy does not read, being
// build-ignored) runs mage from the module cache.
package tools

import (
	_ "github.com/magefile/mage/mage"
)
