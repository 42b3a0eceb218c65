//go:build pin

// Package qmdesk's root holds no code. This file, never built, keeps the
// chosen workbook and chart libraries pinned in go.mod at the versions the
// project settled on, before the packages that use them exist; go mod tidy
// reads files under every build tag.
package qmdesk

import (
	_ "github.com/wcharczuk/go-chart/v2"
	_ "github.com/xuri/excelize/v2"
)
