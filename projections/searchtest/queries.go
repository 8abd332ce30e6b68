package searchtest

type plant struct{ kind, text string }

// planted are the messages the hand-written queries look for, by ticket index (all
// below 1,000, so every corpus of 1,000 tickets or more holds them).
var planted = map[int][]plant{
	7:   {{"customer", "上个月的发票抬头写错了，请帮我重开。"}},
	42:  {{"subject", "发票问题"}, {"customer", "Please resend the invoice for March."}},
	44:  {{"customer", "我需要英文发票 (English invoice) 报销用。"}},
	108: {{"customer", "快递到了但是东西坏了，我要退钱。"}},
	256: {{"customer", "钱已经付了，订单还显示未支付。"}},
	311: {{"customer", "Two INVOICES were charged twice for order 5531."}},
	333: {{"public", "We have refunded the full amount."}},
	404: {{"customer", "Can I get a refund? 我想要退款。"}},
	512: {{"internal", "Customer is on the fraud watchlist, do not refund before review."}},
	600: {{"customer", "关于工单TK-7F3K9Q的问题，还没有人回复。"}},
	601: {{"customer", "Re: tk-7f3k9q is still open"}},
	700: {{"customer", "请联系 li.wei@example.cn，谢谢"}},
	701: {{"customer", "My address is LI.WEI@EXAMPLE.CN."}},
	702: {{"customer", "Or write to li.wei@example.com instead."}},
	800: {{"internal", "内部备注：该客户疑似黄牛，暂停处理。"}},
	801: {{"customer", "請求書の宛名が間違っています。"}},
	802: {{"customer", "환불 요청합니다."}},
	803: {{"customer", "パスワードを忘れました。"}},
	900: {{"customer", "I forgot my password, please reset it."}},
	901: {{"customer", "Password changed, but the reset link expired."}},
	902: {{"customer", "My password is wrong."}},
	950: {{"customer", "The charging port is broken."}},
	// edited, removedMessage and removedTicket hold their words only on the way (Stream).
}

// The tickets Stream changes on the way.
const (
	edited         = 123 // its customer message first said 发票 and invoice
	removedMessage = 124 // a message with 发票, invoice, 退钱, refund, then removed
	removedTicket  = 125 // the same, then the whole ticket removed
)

// Query is one hand-written query and the tickets it must find (ticket indices).
type Query struct {
	Text     string
	Internal bool // include internal notes
	Want     []int
}

// Queries were written by hand from planted and the filler before any index was
// built; corpus_test.go checks them against a plain scan of the corpus as well.
var Queries = []Query{
	{Text: "发票", Want: []int{7, 42, 44}},         // two characters inside sentences
	{Text: "钱", Want: []int{108, 256}},           // one character: 退钱, 钱已经
	{Text: "退", Want: []int{108, 404}},           // 退钱, 退款
	{Text: "抬头写", Want: []int{7}},                // a chain of pairs
	{Text: "发票抬头", Want: []int{7}},               //
	{Text: "invoices", Want: []int{42, 44, 311}}, // plural finds singular
	{Text: "invoice", Want: []int{42, 44, 311}},  // and the other way
	{Text: "INVOICES", Want: []int{42, 44, 311}}, // any case
	{Text: "发票 invoice", Want: []int{44}},        // both in one message
	{Text: "refunded", Want: []int{333, 404}},    // refund, refunded
	{Text: "refunded", Internal: true, Want: []int{333, 404, 512}},
	{Text: "charges", Want: []int{311, 950}},              // charged, charging
	{Text: "TK-7F3K9Q", Want: []int{600, 601}},            // a ticket number, any case
	{Text: "tk-7f3k9q", Want: []int{600, 601}},            //
	{Text: "li.wei@example.cn", Want: []int{700, 701}},    // an email, not li.wei@example.com
	{Text: "watchlist", Want: nil},                        // only in an internal note
	{Text: "watchlist", Internal: true, Want: []int{512}}, //
	{Text: "黄牛", Want: nil},                               // only in an internal note
	{Text: "黄牛", Internal: true, Want: []int{800}},        //
	{Text: "宛名", Want: []int{801}},                        // Japanese
	{Text: "환불", Want: []int{802}},                        // Korean
	{Text: "パスワード", Want: []int{803}},                     // Katakana with ー
	{Text: "password reset", Want: []int{900, 901}},       // every word
	{Text: "量子", Want: nil},                               // nowhere
	{Text: "物流", Want: []int{17, 117, 217, 317, 417, 517, 617, 717, 817, 917}},
	{Text: "  ", Want: nil}, // nothing to search
}
