// Package searchtest is the conformance suite of projections.SearchIndex, run by the
// tests of every search backend, with its deterministic corpus of mixed Chinese and
// English tickets and the queries whose hits were written down by hand (queries.go).
package searchtest

import (
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

// Filler text. None of it holds a token of a hand-written query (corpus_test.go checks
// it): the hits of those queries are exactly the planted messages.
var (
	subjects = []string{"订单问题", "Order question", "登录问题", "Delivery delay", "商品咨询",
		"Account help", "尺码更换", "App issue", "会员积分", "Shipping time"}
	bodies = []string{
		"我的订单还没有收到，请帮忙查一下。", "包装破损了，里面的杯子碎了。", "客服电话一直打不通。",
		"能不能改一下收货地址？", "账号登录不上去，提示密码错误。", "商品和图片上的颜色不一样。",
		"会员积分什么时候到账？", "优惠券用不了，结算时显示无效。", "请问周末有人值班吗？",
		"手机收不到验证码。", "尺码偏小，想换大一号。",
		"My order has not arrived yet.", "The app crashes when I open the settings page.",
		"Please change my delivery address.", "The product color does not match the photo.",
		"I cannot log in to my account.", "How long does shipping take to Shenzhen?",
		"The discount code is not accepted at checkout.", "Is there a warranty for this item?",
		"The box was damaged during delivery.", "订单号 5531，商品 The box was damaged。",
	}
	replies = []string{"您好，我们已经收到您的反馈，会尽快处理。", "Thanks for reaching out, we are looking into it.",
		"已为您登记，请耐心等待。", "We have passed this on to the warehouse team."}
	notes = []string{"已转交二线处理。", "Checked the logs, nothing unusual.", "客户很着急，优先跟进。"}
)

// logistics is the one filler word with hits: every hundredth ticket from 17 says it.
const logistics = "物流信息一直没有更新。"

var epoch = time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)

// TicketID is ticket i's id.
func TicketID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func doc(i, k int, kind, text string) projections.SearchDocument {
	return projections.SearchDocument{
		TicketID: TicketID(i), MessageID: fmt.Sprintf("%s/%d", TicketID(i), k), Kind: kind,
		Internal: kind == "internal", Text: text, CreatedAt: epoch.Add(time.Duration(i)*time.Minute + time.Duration(k)*time.Second),
	}
}

// Ticket returns the messages of ticket i, in the order they arrived: filler, then
// what is planted in it.
func Ticket(i int) []projections.SearchDocument {
	out := []projections.SearchDocument{
		doc(i, 0, "subject", subjects[(i*7)%len(subjects)]),
		doc(i, 1, "customer", bodies[(i*13)%len(bodies)]+" "+bodies[(i*5+3)%len(bodies)]),
	}
	if i%3 == 0 {
		out = append(out, doc(i, 2, "public", replies[i%len(replies)]))
	}
	if i%5 == 0 {
		out = append(out, doc(i, 3, "internal", notes[i%len(notes)]))
	}
	if i%100 == 17 {
		out = append(out, doc(i, 4, "customer", logistics))
	}
	for k, p := range planted[i] {
		out = append(out, doc(i, 10+k, p.kind, p.text))
	}
	return out
}

// Stream is the live path of a corpus of n tickets: the batches a search projection
// commits as events arrive, of uneven sizes, with a message edited (indexed again), a
// message removed and a ticket removed on the way. Positions start at 1.
func Stream(n int) []projections.SearchBatch {
	var out []projections.SearchBatch
	cur := projections.SearchBatch{}
	flush := func() {
		cur.Position = uint64(len(out) + 1)
		out = append(out, cur)
		cur = projections.SearchBatch{}
	}
	for i := 0; i < n; i++ {
		docs := Ticket(i)
		if i == edited {
			first := docs[1]
			first.Text = "暂时不需要发票了 (no invoice needed)"
			cur.Documents = append(cur.Documents, first) // replaced below by the final text
			flush()
		}
		cur.Documents = append(cur.Documents, docs...)
		switch i {
		case removedMessage:
			cur.Documents = append(cur.Documents, doc(i, 9, "customer", "发票 invoice 退钱 refund"))
			flush()
			cur.DeleteMessage = append(cur.DeleteMessage, doc(i, 9, "", "").MessageID)
		case removedTicket:
			cur.Documents = append(cur.Documents, doc(i, 9, "customer", "发票 invoice 退钱 refund"))
			flush()
			cur.DeleteTickets = append(cur.DeleteTickets, TicketID(i))
		}
		if len(cur.Documents) >= 1+len(out)%37 {
			flush()
		}
	}
	if len(cur.Documents)+len(cur.DeleteMessage)+len(cur.DeleteTickets) > 0 {
		flush()
	}
	return out
}

// Final is what the corpus holds once every batch of Stream(n) is applied, in
// batches of size for a rebuild from scratch (positions 1, 2, …).
func Final(n, size int) []projections.SearchBatch {
	var out []projections.SearchBatch
	cur := projections.SearchBatch{}
	for i := 0; i < n; i++ {
		if i == removedTicket {
			continue
		}
		cur.Documents = append(cur.Documents, Ticket(i)...)
		if len(cur.Documents) >= size {
			cur.Position = uint64(len(out) + 1)
			out, cur = append(out, cur), projections.SearchBatch{}
		}
	}
	if len(cur.Documents) > 0 {
		cur.Position = uint64(len(out) + 1)
		out = append(out, cur)
	}
	return out
}
