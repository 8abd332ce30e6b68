package s3blob

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Config is where the files go: a bucket (and a key prefix in it) at an S3-compatible
// endpoint, and the keys that sign the requests.
type Config struct {
	// Endpoint is host[:port] of the server; "" is AWS S3 (s3.amazonaws.com).
	Endpoint string
	// Insecure sends plain HTTP (an endpoint given as http://…): for a server on the
	// same host or network only.
	Insecure bool
	Region   string
	Bucket   string
	// Prefix starts every key ("" or ending in "/"), so one bucket can hold several
	// deployments' files.
	Prefix               string
	AccessKey, SecretKey string
	// TempDir is where uploads are spooled before they are sent; "" is os.TempDir().
	TempDir string
}

// ParseURL reads s3://[ACCESS_KEY:SECRET_KEY@]BUCKET[/PREFIX][?endpoint=URL&region=R]:
// endpoint is http://host:port (plain HTTP), https://host or host[:port] (HTTPS); the
// keys, when not in the URL, come from the caller (ticketd reads TICKETS_S3_ACCESS_KEY
// and TICKETS_S3_SECRET_KEY). Errors never repeat the secret key.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, errors.New("not a URL of the form s3://bucket?endpoint=…")
	}
	if u.Scheme != "s3" || u.Host == "" {
		return Config{}, errors.New("not a URL of the form s3://bucket?endpoint=…")
	}
	c := Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Region: u.Query().Get("region")}
	if c.Prefix != "" {
		c.Prefix += "/"
	}
	if u.User != nil {
		c.AccessKey = u.User.Username()
		c.SecretKey, _ = u.User.Password()
	}
	for k := range u.Query() {
		if k != "endpoint" && k != "region" {
			return Config{}, fmt.Errorf("unknown setting %q (endpoint, region)", k)
		}
	}
	if ep := u.Query().Get("endpoint"); ep != "" {
		if err := c.setEndpoint(ep); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

func (c *Config) setEndpoint(ep string) error {
	switch {
	case strings.HasPrefix(ep, "http://"):
		c.Insecure, ep = true, strings.TrimPrefix(ep, "http://")
	case strings.HasPrefix(ep, "https://"):
		ep = strings.TrimPrefix(ep, "https://")
	}
	ep = strings.TrimSuffix(ep, "/")
	if ep == "" || strings.ContainsAny(ep, "/?#@ ") {
		return fmt.Errorf("endpoint %q is not host[:port], http://host:port or https://host", ep)
	}
	c.Endpoint = ep
	return nil
}

// Validate says what is missing or wrong, before anything is asked of the server.
func (c Config) Validate() error {
	switch {
	case c.Bucket == "":
		return errors.New("no bucket")
	case c.AccessKey == "" || c.SecretKey == "":
		return errors.New("no access key and secret key (in the URL, or TICKETS_S3_ACCESS_KEY and TICKETS_S3_SECRET_KEY)")
	case c.Prefix != "" && !strings.HasSuffix(c.Prefix, "/"):
		return fmt.Errorf("prefix %q does not end in /", c.Prefix)
	}
	return nil
}

// endpoint is the server's host:port, AWS's when none is given.
func (c Config) endpoint() string {
	if c.Endpoint == "" {
		return "s3.amazonaws.com"
	}
	return c.Endpoint
}
