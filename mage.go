//go:build ignore

// Zero-install entry point: `go run mage.go <target>` runs the Magefile targets without a mage
// binary on the machine.
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
