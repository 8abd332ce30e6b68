package main

import "net/url"

// urlRedacted hides a password in a connection string before it is logged.
func urlRedacted(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	return u.Redacted(), nil
}
