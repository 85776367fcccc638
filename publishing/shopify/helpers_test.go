package shopify

import "fmt"

// fmtAll prints v every way a log might: %v, %+v and %#v.
func fmtAll(v any) string { return fmt.Sprintf("%v %+v %#v", v, v, v) }
