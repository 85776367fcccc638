package offline

import "fmt"

func fmtSscanf(s string, r, g, b *uint8) (int, error) { return fmt.Sscanf(s, "#%02x%02x%02x", r, g, b) }
