package contextx

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/loggerjs/loggerjs"
)

// Semantic events: one typed helper per family (error, http, db, job, ui,
// action, security, performance) that builds the attrs of a record with
// field names every producer shares, so that the application, the
// middleware of package httpx and the bridges write the same keys. The
// names are OpenTelemetry semantic-convention attribute names where one
// exists, and loggerjs names (job.*, ui.*, action.*, security.*,
// performance.*) where none does. Keys are flat and dotted, written at
// the level of the record's other attrs.
//
// A helper writes only the fields that are set (non-zero), and each
// event type has the same three methods: AppendAttrs (no allocation
// beyond dst), Attrs, and LogValue, so an event can be logged with
// LogAttrs or as one argument whose empty key inlines it:
//
//	logger.LogAttrs(ctx, slog.LevelInfo, "query", contextx.DBEvent{System: "postgresql", Operation: "SELECT"}.Attrs()...)
//	logger.Info("query", "", contextx.DBEvent{System: "postgresql", Operation: "SELECT"})
//
// The fields of each family:
//
//	family       field            key
//	(all)        Duration         duration                      time.Duration
//	             ErrorType        error.type                    a low-cardinality class of error
//	error        Err              error                         the error itself (the record's error slot)
//	             Type             error.type                    default: the Go type of Err
//	             Panic            panic                         the text of a recovered panic's value
//	             Stack            stack                         loggerjs.StackKey; OTLP writes exception.stacktrace
//	             Handled          error.handled                 bool, written when Handled or Unhandled is set
//	http         Method           http.request.method
//	             Route            http.route                    the route pattern: /users/{id}
//	             Path             url.path
//	             Query            url.query                     redact secrets before
//	             URL              url.full                      client calls; redact secrets before
//	             Scheme           url.scheme
//	             Status           http.response.status_code
//	             RequestSize      http.request.body.size        when > 0
//	             ResponseSize     http.response.body.size       when Status is set
//	             ServerAddress    server.address
//	             ServerPort       server.port
//	             ClientAddress    client.address
//	             UserAgent        user_agent.original
//	             Protocol         network.protocol.version      "1.1", "2"
//	db           System           db.system.name                postgresql, mysql, redis, ...
//	             Namespace        db.namespace                  the database
//	             Operation        db.operation.name             SELECT, findAndModify
//	             Collection       db.collection.name            table or collection
//	             Query            db.query.text                 parameterised, never with values
//	             Rows             db.response.returned_rows     when > 0
//	             StatusCode       db.response.status_code
//	             ServerAddress    server.address
//	job          Name             job.name
//	             ID               job.id
//	             Queue            job.queue
//	             Attempt          job.attempt                   when > 0
//	             Status           job.status                    started, succeeded, failed, retrying
//	ui           Action           ui.action                     click, submit, view
//	             Component        ui.component
//	             Element          ui.element
//	             Page             url.path
//	action       Name             action.name                   a business action: checkout, invite
//	             Outcome          action.outcome                success, failure
//	             Target           action.target
//	             UserID           user.id
//	security     Name             security.event                login.failed, token.revoked
//	             Outcome          security.outcome              success, failure, blocked
//	             Reason           security.reason
//	             UserID           user.id
//	             ClientAddress    client.address
//	performance  Name             performance.name              what was measured
//	             Value, Unit      performance.value, .unit      a measurement other than a duration
//	             Budget           performance.budget            time.Duration; with Duration, over_budget
//	             (derived)        performance.over_budget       bool, Duration > Budget, when Budget is set
const (
	KeyDuration  = "duration"
	KeyErrorType = "error.type"

	KeyError        = "error"
	KeyPanic        = "panic"
	KeyStack        = loggerjs.StackKey
	KeyErrorHandled = "error.handled"

	KeyHTTPRequestMethod      = "http.request.method"
	KeyHTTPRoute              = "http.route"
	KeyURLPath                = "url.path"
	KeyURLQuery               = "url.query"
	KeyURLFull                = "url.full"
	KeyURLScheme              = "url.scheme"
	KeyHTTPResponseStatusCode = "http.response.status_code"
	KeyHTTPRequestBodySize    = "http.request.body.size"
	KeyHTTPResponseBodySize   = "http.response.body.size"
	KeyServerAddress          = "server.address"
	KeyServerPort             = "server.port"
	KeyClientAddress          = "client.address"
	KeyUserAgentOriginal      = "user_agent.original"
	KeyNetworkProtocolVersion = "network.protocol.version"

	KeyDBSystemName         = "db.system.name"
	KeyDBNamespace          = "db.namespace"
	KeyDBOperationName      = "db.operation.name"
	KeyDBCollectionName     = "db.collection.name"
	KeyDBQueryText          = "db.query.text"
	KeyDBReturnedRows       = "db.response.returned_rows"
	KeyDBResponseStatusCode = "db.response.status_code"

	KeyJobName    = "job.name"
	KeyJobID      = "job.id"
	KeyJobQueue   = "job.queue"
	KeyJobAttempt = "job.attempt"
	KeyJobStatus  = "job.status"

	KeyUIAction    = "ui.action"
	KeyUIComponent = "ui.component"
	KeyUIElement   = "ui.element"

	KeyActionName    = "action.name"
	KeyActionOutcome = "action.outcome"
	KeyActionTarget  = "action.target"
	KeyUserID        = "user.id"

	KeySecurityEvent   = "security.event"
	KeySecurityOutcome = "security.outcome"
	KeySecurityReason  = "security.reason"

	KeyPerformanceName       = "performance.name"
	KeyPerformanceValue      = "performance.value"
	KeyPerformanceUnit       = "performance.unit"
	KeyPerformanceBudget     = "performance.budget"
	KeyPerformanceOverBudget = "performance.over_budget"
)

func appendString(dst []slog.Attr, key, v string) []slog.Attr {
	if v == "" {
		return dst
	}
	return append(dst, slog.String(key, v))
}

func appendDuration(dst []slog.Attr, d time.Duration) []slog.Attr {
	if d == 0 {
		return dst
	}
	return append(dst, slog.Duration(KeyDuration, d))
}

// ErrorEvent describes an error: the error, its class and its stack.
type ErrorEvent struct {
	Err       error
	Type      string // default: the Go type of Err, such as *net.OpError
	Panic     string
	Stack     string
	Handled   bool // the error was handled: written as error.handled=true
	Unhandled bool // the error escaped (a panic): written as error.handled=false
	Duration  time.Duration
}

// AppendAttrs appends the set fields of e to dst.
func (e ErrorEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	if e.Err != nil {
		dst = append(dst, slog.Any(KeyError, e.Err))
	}
	t := e.Type
	if t == "" && e.Err != nil {
		t = fmt.Sprintf("%T", e.Err)
	}
	dst = appendString(dst, KeyErrorType, t)
	dst = appendString(dst, KeyPanic, e.Panic)
	dst = appendString(dst, KeyStack, e.Stack)
	if e.Handled || e.Unhandled {
		dst = append(dst, slog.Bool(KeyErrorHandled, e.Handled))
	}
	return appendDuration(dst, e.Duration)
}

// Attrs returns the set fields of e as attrs.
func (e ErrorEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e ErrorEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// HTTPEvent describes an HTTP request, served or sent. Query and URL are
// written as given: redact secrets first (package httpx does).
type HTTPEvent struct {
	Method        string
	Route         string
	Path          string
	Query         string
	URL           string
	Scheme        string
	Status        int
	RequestSize   int64
	ResponseSize  int64
	ServerAddress string
	ServerPort    int
	ClientAddress string
	UserAgent     string
	Protocol      string
	Duration      time.Duration
	ErrorType     string
}

// AppendAttrs appends the set fields of e to dst.
func (e HTTPEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = appendString(dst, KeyHTTPRequestMethod, e.Method)
	dst = appendString(dst, KeyHTTPRoute, e.Route)
	dst = appendString(dst, KeyURLPath, e.Path)
	dst = appendString(dst, KeyURLQuery, e.Query)
	dst = appendString(dst, KeyURLFull, e.URL)
	dst = appendString(dst, KeyURLScheme, e.Scheme)
	if e.Status != 0 {
		dst = append(dst, slog.Int(KeyHTTPResponseStatusCode, e.Status))
	}
	if e.RequestSize > 0 {
		dst = append(dst, slog.Int64(KeyHTTPRequestBodySize, e.RequestSize))
	}
	if e.Status != 0 && e.ResponseSize >= 0 {
		dst = append(dst, slog.Int64(KeyHTTPResponseBodySize, e.ResponseSize))
	}
	dst = appendString(dst, KeyServerAddress, e.ServerAddress)
	if e.ServerPort != 0 {
		dst = append(dst, slog.Int(KeyServerPort, e.ServerPort))
	}
	dst = appendString(dst, KeyClientAddress, e.ClientAddress)
	dst = appendString(dst, KeyUserAgentOriginal, e.UserAgent)
	dst = appendString(dst, KeyNetworkProtocolVersion, e.Protocol)
	dst = appendDuration(dst, e.Duration)
	return appendString(dst, KeyErrorType, e.ErrorType)
}

// Attrs returns the set fields of e as attrs.
func (e HTTPEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e HTTPEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// DBEvent describes a database call. Query is the statement with
// placeholders, never with the values bound to them.
type DBEvent struct {
	System        string
	Namespace     string
	Operation     string
	Collection    string
	Query         string
	Rows          int64
	StatusCode    string
	ServerAddress string
	Duration      time.Duration
	ErrorType     string
}

// AppendAttrs appends the set fields of e to dst.
func (e DBEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = appendString(dst, KeyDBSystemName, e.System)
	dst = appendString(dst, KeyDBNamespace, e.Namespace)
	dst = appendString(dst, KeyDBOperationName, e.Operation)
	dst = appendString(dst, KeyDBCollectionName, e.Collection)
	dst = appendString(dst, KeyDBQueryText, e.Query)
	if e.Rows > 0 {
		dst = append(dst, slog.Int64(KeyDBReturnedRows, e.Rows))
	}
	dst = appendString(dst, KeyDBResponseStatusCode, e.StatusCode)
	dst = appendString(dst, KeyServerAddress, e.ServerAddress)
	dst = appendDuration(dst, e.Duration)
	return appendString(dst, KeyErrorType, e.ErrorType)
}

// Attrs returns the set fields of e as attrs.
func (e DBEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e DBEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// JobEvent describes a run of a background job.
type JobEvent struct {
	Name      string
	ID        string
	Queue     string
	Attempt   int
	Status    string
	Duration  time.Duration
	ErrorType string
}

// AppendAttrs appends the set fields of e to dst.
func (e JobEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = appendString(dst, KeyJobName, e.Name)
	dst = appendString(dst, KeyJobID, e.ID)
	dst = appendString(dst, KeyJobQueue, e.Queue)
	if e.Attempt > 0 {
		dst = append(dst, slog.Int(KeyJobAttempt, e.Attempt))
	}
	dst = appendString(dst, KeyJobStatus, e.Status)
	dst = appendDuration(dst, e.Duration)
	return appendString(dst, KeyErrorType, e.ErrorType)
}

// Attrs returns the set fields of e as attrs.
func (e JobEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e JobEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// UIEvent describes an interaction in a user interface, as a front end
// reports it.
type UIEvent struct {
	Action    string
	Component string
	Element   string
	Page      string
	Duration  time.Duration
}

// AppendAttrs appends the set fields of e to dst.
func (e UIEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = appendString(dst, KeyUIAction, e.Action)
	dst = appendString(dst, KeyUIComponent, e.Component)
	dst = appendString(dst, KeyUIElement, e.Element)
	dst = appendString(dst, KeyURLPath, e.Page)
	return appendDuration(dst, e.Duration)
}

// Attrs returns the set fields of e as attrs.
func (e UIEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e UIEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// ActionEvent describes a business action a user took.
type ActionEvent struct {
	Name      string
	Outcome   string
	Target    string
	UserID    string
	Duration  time.Duration
	ErrorType string
}

// AppendAttrs appends the set fields of e to dst.
func (e ActionEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = appendString(dst, KeyActionName, e.Name)
	dst = appendString(dst, KeyActionOutcome, e.Outcome)
	dst = appendString(dst, KeyActionTarget, e.Target)
	dst = appendString(dst, KeyUserID, e.UserID)
	dst = appendDuration(dst, e.Duration)
	return appendString(dst, KeyErrorType, e.ErrorType)
}

// Attrs returns the set fields of e as attrs.
func (e ActionEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e ActionEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// SecurityEvent describes an event a security team audits: a failed
// login, a revoked token, a blocked request.
type SecurityEvent struct {
	Name          string
	Outcome       string
	Reason        string
	UserID        string
	ClientAddress string
}

// AppendAttrs appends the set fields of e to dst.
func (e SecurityEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = appendString(dst, KeySecurityEvent, e.Name)
	dst = appendString(dst, KeySecurityOutcome, e.Outcome)
	dst = appendString(dst, KeySecurityReason, e.Reason)
	dst = appendString(dst, KeyUserID, e.UserID)
	return appendString(dst, KeyClientAddress, e.ClientAddress)
}

// Attrs returns the set fields of e as attrs.
func (e SecurityEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e SecurityEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// PerformanceEvent describes a measurement: how long something took
// against its budget, or another value with its unit.
type PerformanceEvent struct {
	Name     string
	Duration time.Duration
	Budget   time.Duration
	Value    float64
	Unit     string
}

// AppendAttrs appends the set fields of e to dst.
func (e PerformanceEvent) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = appendString(dst, KeyPerformanceName, e.Name)
	dst = appendDuration(dst, e.Duration)
	if e.Budget > 0 {
		dst = append(dst, slog.Duration(KeyPerformanceBudget, e.Budget), slog.Bool(KeyPerformanceOverBudget, e.Duration > e.Budget))
	}
	if e.Value != 0 || e.Unit != "" {
		dst = append(dst, slog.Float64(KeyPerformanceValue, e.Value))
	}
	return appendString(dst, KeyPerformanceUnit, e.Unit)
}

// Attrs returns the set fields of e as attrs.
func (e PerformanceEvent) Attrs() []slog.Attr { return e.AppendAttrs(nil) }

// LogValue returns the attrs of e as a group, which an empty key inlines.
func (e PerformanceEvent) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

var (
	_ slog.LogValuer = ErrorEvent{}
	_ slog.LogValuer = HTTPEvent{}
	_ slog.LogValuer = DBEvent{}
	_ slog.LogValuer = JobEvent{}
	_ slog.LogValuer = UIEvent{}
	_ slog.LogValuer = ActionEvent{}
	_ slog.LogValuer = SecurityEvent{}
	_ slog.LogValuer = PerformanceEvent{}
)
