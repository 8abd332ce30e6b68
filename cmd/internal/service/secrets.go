package service

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// loadOrCreate returns the secret kept in file, creating it (mode 0600) with make() when
// absent. created reports whether it was just made.
func loadOrCreate(file string, make func() (string, error)) (value string, created bool, err error) {
	b, err := os.ReadFile(file)
	if err == nil {
		return strings.TrimSpace(string(b)), false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return "", false, err
	}
	v, err := make()
	if err != nil {
		return "", false, err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		return loadOrCreate(file, make)
	}
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	if _, err := f.WriteString(v + "\n"); err != nil {
		return "", false, err
	}
	return v, true, f.Sync()
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// serverKey is TICKETS_SECRET_KEY, else the key kept in --data. Several processes on one
// store must share it (set the variable), or access codes and tokens they derive differ.
func (c Config) serverKey() ([]byte, error) {
	raw := c.SecretKey
	if raw == "" {
		var err error
		if raw, _, err = loadOrCreate(filepath.Join(c.Data, "secret.key"), func() (string, error) { return randomHex(32) }); err != nil {
			return nil, fmt.Errorf("server key: %w", err)
		}
	}
	key, err := hex.DecodeString(raw)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("TICKETS_SECRET_KEY must be at least 64 hex characters")
	}
	return key, nil
}

// adminToken is TICKETS_ADMIN_TOKEN, else the token kept in --data; created reports a new one.
func (c Config) adminToken() (string, bool, error) {
	if c.AdminToken != "" {
		if len(c.AdminToken) < 16 {
			return "", false, fmt.Errorf("TICKETS_ADMIN_TOKEN must be at least 16 characters")
		}
		return c.AdminToken, false, nil
	}
	return loadOrCreate(filepath.Join(c.Data, "admin.token"), func() (string, error) {
		h, err := randomHex(24)
		return "adm_" + h, err
	})
}
