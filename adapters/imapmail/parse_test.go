package imapmail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/imapmail"
	"github.com/ticketengine/ticketengine/application/inbound"
)

var us = imapmail.Identity{Addresses: []string{"support@support.example.com"}, MessageIDDomain: "support.example.com"}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mail", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseFixtures checks the parser alone on the fixtures that need no ticket: the
// text each carries once decoded, cleaned of markup and quotes, and how it is classed.
func TestParseFixtures(t *testing.T) {
	for _, c := range []struct {
		file, from, subject string
		body                []string // all in the body
		notBody             []string // none in the body
		kind, refused       string
		files               []string
	}{
		{file: "01-gbk-new.eml", from: "zhang.wei@example.cn", subject: "打印机无法连接网络", body: []string{"办公室的打印机从昨天开始无法连接网络"}},
		{file: "02-gb2312-label.eml", from: "zhe.li@example.cn", subject: "发票开错了", body: []string{"我是李喆"}},
		{file: "03-gb18030.eml", subject: "退款咨询", body: []string{"问题解决了😀"}},
		{file: "04-big5.eml", subject: "帳號無法登入", body: []string{"顯示密碼錯誤"}},
		{file: "05-utf8.eml", subject: "积分没有到账", body: []string{"订单号 20261130-8812"}},
		{file: "06-html-only.eml", subject: "物流查询", body: []string{"订单 12345 一直没有收到", "点这里"}, notBody: []string{"alert", "<", "color:red"}},
		{file: "07-attachments.eml", subject: "合同附件", body: []string{"截图和合同见附件。"}, files: []string{"截图.png", "contract.pdf"}},
		{file: "08-inline-image.eml", subject: "报错截图", body: []string{"报错界面如下"}, files: []string{"err001.png"}},
		{file: "09-no-message-id.eml", subject: "No Message-ID here", body: []string{"invoice total is wrong"}},
		{file: "17-bounce-unknown.eml", kind: inbound.KindBounce},
		{file: "18-bulk.eml", refused: imapmail.RefusedBulk},
		{file: "19-own-address.eml", refused: imapmail.RefusedOwn},
		{file: "24-list.eml", refused: imapmail.RefusedBulk},
		{file: "10-reply-outlook.eml", body: []string{"已经重启了，还是不行。"}, notBody: []string{"发件人", "请重启打印机"}},
		{file: "11-reply-gmail-zh.eml", body: []string{"积分今天到账了"}, notBody: []string{"写道", "24小时"}},
		{file: "12-reply-foxmail.eml", body: []string{"重設密碼後可以登入了。"}, notBody: []string{"原始郵件", "請重設密碼"}},
		{file: "13-reply-gmail-en.eml", body: []string{"The parcel arrived today, thanks."}, notBody: []string{"wrote", "on its way"}},
		{file: "15-auto-reply.eml", kind: inbound.KindAuto},
		{file: "16-bounce.eml", kind: inbound.KindBounce},
	} {
		t.Run(c.file, func(t *testing.T) {
			m := imapmail.Parse(fixture(t, c.file), "mail:support", us)
			if m.Refused != c.refused {
				t.Fatalf("refused %q, want %q", m.Refused, c.refused)
			}
			msg := m.Message
			if c.from != "" && msg.Customer.Email != c.from {
				t.Errorf("from %q, want %q", msg.Customer.Email, c.from)
			}
			if c.subject != "" && msg.Subject != c.subject {
				t.Errorf("subject %q, want %q", msg.Subject, c.subject)
			}
			for _, s := range c.body {
				if !strings.Contains(msg.Body, s) {
					t.Errorf("body %q lacks %q", msg.Body, s)
				}
			}
			for _, s := range c.notBody {
				if strings.Contains(msg.Body, s) {
					t.Errorf("body %q has %q", msg.Body, s)
				}
			}
			if msg.Kind != c.kind {
				t.Errorf("kind %q, want %q", msg.Kind, c.kind)
			}
			var names []string
			for _, f := range msg.Files {
				names = append(names, f.Name)
			}
			if strings.Join(names, ",") != strings.Join(c.files, ",") {
				t.Errorf("files %v, want %v", names, c.files)
			}
			if msg.Raw == nil || len(msg.Raw.Data) == 0 || msg.ID == "" {
				t.Errorf("raw message or id missing: %q", msg.ID)
			}
		})
	}
}

func TestParseWithoutMessageIDKeysOnTheRawBytes(t *testing.T) {
	raw := fixture(t, "09-no-message-id.eml")
	a, b := imapmail.Parse(raw, "mail:support", us), imapmail.Parse(raw, "mail:support", us)
	if a.Message.ID != b.Message.ID || !strings.HasPrefix(a.Message.ID, "sha256:") {
		t.Fatalf("ids %q and %q", a.Message.ID, b.Message.ID)
	}
	other := imapmail.Parse(append(raw, "P.S. one more line\n"...), "mail:support", us)
	if other.Message.ID == a.Message.ID {
		t.Fatal("another mail got the same id")
	}
}
