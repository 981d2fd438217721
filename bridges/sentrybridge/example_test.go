package sentrybridge_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/getsentry/sentry-go"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/sentrybridge"
)

func ExampleNew() {
	// A stand-in for Sentry that answers every envelope.
	sentryAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer sentryAPI.Close()
	dsn := strings.Replace(sentryAPI.URL, "http://", "http://public@", 1) + "/1"

	sink, err := sentrybridge.New(sentrybridge.Options{ClientOptions: sentry.ClientOptions{Dsn: dsn}})
	if err != nil {
		fmt.Println(err)
		return
	}
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"sentry": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"sentry"}}},
	})
	logger.Info("cart loaded", "items", 3)                              // a breadcrumb
	logger.Error("checkout failed", "err", errors.New("card declined")) // an issue
	sink.Close(context.Background())
	st := sink.SinkStats()
	fmt.Println("captured", st["captured"], "sent", st["sent"])
	// Output:
	// captured 1 sent 1
}
