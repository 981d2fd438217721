package contextx_test

import (
	"context"
	"fmt"

	"github.com/loggerjs/loggerjs/contextx"
)

func ExampleParseTraceparent() {
	tp, err := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if err != nil {
		panic(err)
	}
	ctx := contextx.WithTraceparent(context.Background(), tp)
	traceID, spanID := contextx.TraceIDs(ctx)
	fmt.Println(traceID, spanID, tp.Sampled())
	// Output: 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7 true
}
