package remote

import (
	"bytes"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// LokiOptions configure Loki. A nil *LokiOptions means the defaults.
type LokiOptions struct {
	HTTPOptions
	// Labels are the stream labels of every record. Default
	// {"service_name": "loggerjs"}. A "level" label with the record's
	// level name is added to them.
	Labels map[string]string
	// TenantID, when set, is sent as X-Scope-OrgID for multi-tenant Loki.
	TenantID string
	// Codec encodes each record into its log line. Default
	// codecs.JSON(nil).
	Codec loggerjs.Codec
}

// Loki returns an HTTP sink that ships records to Grafana Loki's push
// API. Each record's line is its encoding by the codec, without the
// newline; records are grouped into one stream per level. Loki answers
// transient ingester failures with 500, so this preset retries 500 as
// Loki's own clients do.
//
// endpoint is an http or https URL with a host. With a path it is used
// as it is ("http://loki:3100/loki/api/v1/push"); without one,
// "/loki/api/v1/push" is added, so "http://loki:3100" works too. A
// host:port without a scheme is an error that suggests the URL to write.
func Loki(endpoint string, opts *LokiOptions) (*HTTPSink, error) {
	u, err := parseEndpoint("Loki", endpoint)
	if err != nil {
		return nil, err
	}
	if u.Path == "" || u.Path == "/" {
		u.Path, u.RawPath = "/loki/api/v1/push", ""
	}
	var o LokiOptions
	if opts != nil {
		o = *opts
	}
	labels := o.Labels
	if len(labels) == 0 {
		labels = map[string]string{"service_name": "loggerjs"}
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if k != "level" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var fixed []byte
	for _, k := range keys {
		fixed = appendJSONString(fixed, k)
		fixed = append(fixed, ':')
		fixed = appendJSONString(fixed, labels[k])
		fixed = append(fixed, ',')
	}
	o.Body = func(dst []byte, batch []sinks.Entry) []byte { return lokiBody(dst, fixed, batch) }
	o.ContentType = "application/json"
	o.Retry500 = true
	if o.TenantID != "" {
		o.Header = o.Header.Clone()
		if o.Header == nil {
			o.Header = make(map[string][]string)
		}
		o.Header.Set("X-Scope-OrgID", o.TenantID)
	}
	codec := o.Codec
	if codec == nil {
		codec = codecs.JSON(nil)
	}
	return newHTTP(u.String(), codec, &o.HTTPOptions), nil
}

// lokiBody writes {"streams":[{"stream":{labels,"level":L},"values":[[ns,line],…]},…]}.
func lokiBody(dst, fixed []byte, batch []sinks.Entry) []byte {
	dst = append(dst, `{"streams":[`...)
	done := make([]bool, len(batch))
	firstStream := true
	for i := range batch {
		if done[i] {
			continue
		}
		level := batch[i].Level
		if !firstStream {
			dst = append(dst, ',')
		}
		firstStream = false
		dst = append(dst, `{"stream":{`...)
		dst = append(dst, fixed...)
		dst = append(dst, `"level":`...)
		dst = appendJSONString(dst, loggerjs.LevelName(level))
		dst = append(dst, `},"values":[`...)
		first := true
		for j := i; j < len(batch); j++ {
			if done[j] || batch[j].Level != level {
				continue
			}
			done[j] = true
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, `["`...)
			t := batch[j].Time
			if t.IsZero() {
				t = time.Now() // Loki needs a timestamp; the record had none
			}
			dst = strconv.AppendInt(dst, t.UnixNano(), 10)
			dst = append(dst, `",`...)
			dst = appendJSONString(dst, string(bytes.TrimSuffix(batch[j].Data, []byte("\n"))))
			dst = append(dst, ']')
		}
		dst = append(dst, "]}"...)
	}
	return append(dst, "]}"...)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}
