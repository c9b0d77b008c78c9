package rooms

// Axis says whether a theme is about life or about career.
type Axis string

// Axes.
const (
	AxisLife   Axis = "life"
	AxisCareer Axis = "career"
)

// Theme is one curated concern members can pick, with its labels.
type Theme struct {
	ID   string `json:"id"`
	Axis Axis   `json:"axis"`
	Ja   string `json:"ja"`
	En   string `json:"en"`
}

// Themes is the curated list. IDs are stable: stored profiles and
// roundtables refer to them.
var Themes = []Theme{
	{"return_from_leave", AxisCareer, "育休からの復帰", "Returning from parental leave"},
	{"promotion", AxisCareer, "昇進・管理職への挑戦", "Promotion and management"},
	{"career_change", AxisCareer, "転職・キャリアチェンジ", "Changing jobs or careers"},
	{"reskilling", AxisCareer, "学び直し・スキルアップ", "Reskilling"},
	{"evaluation", AxisCareer, "評価・時短勤務とキャリア", "Evaluation and reduced hours"},
	{"side_business", AxisCareer, "副業・起業", "Side business and starting up"},
	{"leadership", AxisCareer, "リーダーシップ・チーム運営", "Leadership and teams"},
	{"work_life_balance", AxisLife, "仕事と育児の両立", "Balancing work and childcare"},
	{"childcare_services", AxisLife, "保育園・学童・ベビーシッター", "Nursery, after-school care, sitters"},
	{"partner_sharing", AxisLife, "パートナーとの家事・育児分担", "Sharing housework with a partner"},
	{"child_health", AxisLife, "子どもの病気・発達の悩み", "Children's health and development"},
	{"education", AxisLife, "子どもの教育・受験", "Children's education and exams"},
	{"elder_care", AxisLife, "親の介護との両立", "Caring for parents too"},
	{"self_care", AxisLife, "自分の時間・心身のケア", "Time and care for oneself"},
	{"relocation", AxisLife, "転勤・単身赴任・移住", "Relocation and living apart"},
}

var themeByID = func() map[string]Theme {
	m := make(map[string]Theme, len(Themes))
	for _, t := range Themes {
		m[t.ID] = t
	}
	return m
}()

// ThemeByID returns the theme with id.
func ThemeByID(id string) (Theme, bool) {
	t, ok := themeByID[id]
	return t, ok
}
