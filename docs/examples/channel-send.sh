#!/bin/sh
# channel-send.sh: post one customer message to a signed channel of ticketd
# (POST /channels/{name}/messages; docs/CHANNELS.md).
#
#   TICKETS_URL=http://127.0.0.1:8080 CHANNEL=wechat SECRET=… \
#     docs/examples/channel-send.sh MESSAGE_ID CONVERSATION_ID CUSTOMER "BODY" ["SUBJECT"]
#
# CUSTOMER is an email (sent as the customer's id and email), a phone number starting with
# + or a digit (a caller without an email: sent as the phone alone), or anything else, the
# channel's id for a customer without an email (a WeChat openid: sent as the id alone).
#
# The signature is the hex HMAC-SHA256 of "<timestamp>.<body>" with the channel's secret;
# the body is signed byte for byte, so it is built once and sent as built. Posting the
# same MESSAGE_ID again is a no-op that answers the same ticket.
set -eu
: "${TICKETS_URL:=http://127.0.0.1:8080}" "${CHANNEL:?set CHANNEL}" "${SECRET:?set SECRET}"
[ $# -ge 4 ] || { echo "usage: $0 MESSAGE_ID CONVERSATION_ID CUSTOMER BODY [SUBJECT]" >&2; exit 2; }
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; } # enough for a one-line sample
case "$3" in
*@*) customer=$(printf '{"id":"%s","email":"%s"}' "$(json "$3")" "$(json "$3")") ;;
+* | [0-9]*) customer=$(printf '{"phone":"%s"}' "$(json "$3")") ;;
*) customer=$(printf '{"id":"%s"}' "$(json "$3")") ;;
esac
body=$(printf '{"message_id":"%s","conversation_id":"%s","customer":%s,"subject":"%s","body":"%s"}' \
	"$(json "$1")" "$(json "$2")" "$customer" "$(json "${5:-}")" "$(json "$4")")
stamp=$(date +%s)
sig=$(printf '%s.%s' "$stamp" "$body" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')
curl -sS -X POST "$TICKETS_URL/channels/$CHANNEL/messages" \
	-H 'Content-Type: application/json' \
	-H "X-Tickets-Timestamp: $stamp" \
	-H "X-Tickets-Signature: sha256=$sig" \
	--data-binary "$body"
echo
