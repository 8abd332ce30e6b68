package httpapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
)

// New refuses Options missing a required field, naming it, instead of panicking later.
func TestNewChecksRequiredOptions(t *testing.T) {
	store := memstore.New()
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	full := httpapi.Options{Commands: command.NewCommands(command.Config{Store: store, Clock: application.SystemClock{}, Secrets: secrets}), Store: store,
		Auth: auth.NewAuthenticator(store, "admin"), Registry: prometheus.NewRegistry()}
	if _, err := httpapi.New(full); err != nil {
		t.Fatalf("complete options: %v", err)
	}
	for name, drop := range map[string]func(*httpapi.Options){
		"Commands": func(o *httpapi.Options) { o.Commands = nil },
		"Store":    func(o *httpapi.Options) { o.Store = nil },
		"Auth":     func(o *httpapi.Options) { o.Auth = nil },
		"Registry": func(o *httpapi.Options) { o.Registry = nil },
	} {
		o := full
		o.Registry = prometheus.NewRegistry()
		drop(&o)
		s, err := httpapi.New(o)
		if s != nil || !errors.Is(err, application.ErrConfig) || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: %v, %v", name, s, err)
		}
	}
}
