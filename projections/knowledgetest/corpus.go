package knowledgetest

import (
	"fmt"
	"math/rand/v2"
)

// Ticket is a generated ticket: received, answered in public, resolved.
type Ticket struct {
	Topic                             string
	Language                          string // zh or en
	Subject, Body, Answer, Resolution string
}

// Article is a generated article.
type Article struct {
	Topic            string // "" for the filler articles of no topic
	TitleZh, TitleEn string
	BodyZh, BodyEn   string
	Category         string
}

// Corpus is the generated history.
type Corpus struct {
	Tickets  []Ticket
	Articles []Article
}

// Seed is the generator's pinned seed.
const Seed = 20261202

// noiseZh and noiseEn are sentences any ticket may carry, so that tickets of one topic
// are not copies and common words are common.
var (
	noiseZh = []string{"谢谢。", "麻烦尽快处理。", "我的订单号在下面。", "这是第二次联系客服了。", "请帮忙看一下。", "昨天晚上遇到的问题。", "希望今天能回复。"}
	noiseEn = []string{"Thanks.", "Please help soon.", "My order number is below.", "This is the second time I write.", "Could you check?", "It happened last night.", "Hope to hear back today."}
	// fillerZh and fillerEn make articles on subjects no query is about.
	fillerZh = []string{"门店营业时间", "礼品卡使用", "商品评价规则", "直播活动说明", "企业采购", "隐私政策更新", "儿童账户", "配件兼容性"}
	fillerEn = []string{"Store opening hours", "Using gift cards", "Review guidelines", "Live shopping events", "Business purchases", "Privacy policy update", "Kids accounts", "Accessory compatibility"}
)

// Generate makes the corpus: tickets tickets (topics in turn, Chinese and English in
// turn, sentences picked by a seeded generator), each topic's article, and filler
// articles up to articles in all.
func Generate(tickets, articles int) Corpus {
	rng := rand.New(rand.NewPCG(Seed, 1))
	var c Corpus
	for i := range tickets {
		tp := Topics[i%len(Topics)]
		zh := (i/len(Topics))%2 == 0
		t := Ticket{Topic: tp.Key, Language: "en"}
		if zh {
			t.Language = "zh"
			t.Subject = pick(rng, tp.SubjectsZh)
			t.Body = pick(rng, tp.BodiesZh) + pick(rng, noiseZh)
			t.Answer, t.Resolution = tp.AnswerZh, tp.ResolutionZh
		} else {
			t.Subject = pick(rng, tp.SubjectsEn)
			t.Body = pick(rng, tp.BodiesEn) + " " + pick(rng, noiseEn)
			t.Answer, t.Resolution = tp.AnswerEn, tp.ResolutionEn
		}
		c.Tickets = append(c.Tickets, t)
	}
	for _, tp := range Topics {
		c.Articles = append(c.Articles, Article{Topic: tp.Key, TitleZh: tp.ArticleZh[0], BodyZh: tp.ArticleZh[1],
			TitleEn: tp.ArticleEn[0], BodyEn: tp.ArticleEn[1], Category: tp.Category})
	}
	for i := 0; len(c.Articles) < articles; i++ {
		k := i % len(fillerZh)
		c.Articles = append(c.Articles, Article{
			TitleZh: fmt.Sprintf("%s（第%d篇）", fillerZh[k], i/len(fillerZh)+1), TitleEn: fmt.Sprintf("%s, part %d", fillerEn[k], i/len(fillerEn)+1),
			BodyZh: fillerZh[k] + "的说明。" + pick(rng, noiseZh), BodyEn: fillerEn[k] + " explained. " + pick(rng, noiseEn), Category: "general"})
	}
	return c
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }
