package httpapi

import (
	"fmt"
	"strings"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// Channel is one configured signed intake (POST /channels/{name}/messages): its name,
// which becomes the tickets' "source", the one of the five channels it maps to, and the
// secret its messages are signed with.
type Channel struct {
	Name    string
	Channel domain.Channel
	Secret  []byte
}

// minChannelSecret is the shortest secret accepted: 16 bytes, so the HMAC cannot be
// guessed by trying.
const minChannelSecret = 16

// ParseChannels reads the --channels / TICKETS_CHANNELS setting: comma-separated
// name=channel:secret, as "wechat=chat:6f2c…,hotline=phone:9a1e…". Names are lower-case
// words (letters, digits, - and _); "mail" is the mailboxes' and not a channel name.
func ParseChannels(spec string) (map[string]Channel, error) {
	out := map[string]Channel{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, rest, ok1 := strings.Cut(item, "=")
		ch, secret, ok2 := strings.Cut(rest, ":")
		name = strings.TrimSpace(name)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: channels: %q is not name=channel:secret", application.ErrConfig, name)
		}
		c := Channel{Name: name, Channel: domain.Channel(strings.TrimSpace(ch)), Secret: []byte(strings.TrimSpace(secret))}
		switch {
		case !channelName(name):
			return nil, fmt.Errorf("%w: channels: the name %q is not 1 to 40 lower-case letters, digits, - and _", application.ErrConfig, name)
		case name == "mail":
			return nil, fmt.Errorf("%w: channels: the name mail is the mailboxes'", application.ErrConfig)
		case !c.Channel.Valid():
			return nil, fmt.Errorf("%w: channels: %s maps to %q, not one of email, web, chat, phone, api", application.ErrConfig, name, ch)
		case len(c.Secret) < minChannelSecret:
			return nil, fmt.Errorf("%w: channels: the secret of %s is shorter than %d characters", application.ErrConfig, name, minChannelSecret)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%w: channels: %s is configured twice", application.ErrConfig, name)
		}
		out[name] = c
	}
	return out, nil
}

func channelName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
