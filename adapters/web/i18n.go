package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The languages the pages speak, the first the default. A catalogue per language,
// i18n/<lang>.json, holds every string a page shows: templates hold none.
var languages = []string{"en", "zh"}

//go:embed i18n/*.json
var catalogueFiles embed.FS

// catalogue maps a message key to its text in one language.
type catalogue map[string]string

// loadCatalogues reads every language's catalogue and checks they have the same keys, so
// a page never shows a key for want of a translation.
func loadCatalogues() (map[string]catalogue, error) {
	cats := map[string]catalogue{}
	for _, l := range languages {
		raw, err := catalogueFiles.ReadFile("i18n/" + l + ".json")
		if err != nil {
			return nil, err
		}
		var c catalogue
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("i18n/%s.json: %w", l, err)
		}
		cats[l] = c
	}
	for _, l := range languages[1:] {
		if missing := missingKeys(cats[languages[0]], cats[l]); len(missing) > 0 {
			return nil, fmt.Errorf("i18n: %s and %s differ in %s", languages[0], l, strings.Join(missing, ", "))
		}
	}
	return cats, nil
}

func missingKeys(a, b catalogue) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// langCookie keeps the language the switcher chose.
const langCookie = "lang"

// chooseLanguage is the switcher's choice (the cookie), else the best of Accept-Language,
// else the default.
func chooseLanguage(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && known(c.Value) {
		return c.Value
	}
	return fromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func known(l string) bool {
	for _, k := range languages {
		if k == l {
			return true
		}
	}
	return false
}

// fromAcceptLanguage picks the language of highest weight the pages speak: "zh-CN,zh;q=0.9"
// is zh, "fr, en;q=0.5" is en.
func fromAcceptLanguage(h string) string {
	best, bestQ := languages[0], 0.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if known(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
