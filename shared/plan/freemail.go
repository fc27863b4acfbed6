package plan

// builtinFreeMail lists the domains of common free-mail providers. An
// address at one of them says nothing about the sender's company, so it
// never establishes account ownership. Plans add local providers with
// free_mail_domains.
var builtinFreeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true,
	"yahoo.com": true, "yahoo.co.uk": true, "yahoo.fr": true, "yahoo.de": true,
	"yahoo.es": true, "yahoo.it": true, "yahoo.co.in": true, "yahoo.co.jp": true,
	"yahoo.com.br": true, "ymail.com": true, "rocketmail.com": true,
	"hotmail.com": true, "hotmail.co.uk": true, "hotmail.fr": true, "hotmail.de": true,
	"hotmail.it": true, "hotmail.es": true, "outlook.com": true, "outlook.de": true,
	"outlook.fr": true, "live.com": true, "live.co.uk": true, "live.fr": true,
	"msn.com": true, "passport.com": true,
	"aol.com": true, "aim.com": true,
	"icloud.com": true, "me.com": true, "mac.com": true,
	"proton.me": true, "protonmail.com": true, "protonmail.ch": true, "pm.me": true,
	"tutanota.com": true, "tuta.io": true, "fastmail.com": true, "hey.com": true,
	"zoho.com": true, "zohomail.com": true, "mail.com": true, "email.com": true,
	"gmx.de": true, "gmx.net": true, "gmx.com": true, "gmx.at": true, "gmx.ch": true,
	"web.de": true, "t-online.de": true, "freenet.de": true, "posteo.de": true,
	"mailbox.org": true,
	"orange.fr":   true, "wanadoo.fr": true, "free.fr": true, "laposte.net": true,
	"sfr.fr":    true,
	"libero.it": true, "virgilio.it": true, "tiscali.it": true,
	"btinternet.com": true, "sky.com": true, "virginmedia.com": true,
	"comcast.net": true, "att.net": true, "verizon.net": true, "sbcglobal.net": true,
	"cox.net": true, "charter.net": true,
	"yandex.ru": true, "yandex.com": true, "ya.ru": true, "mail.ru": true,
	"rambler.ru": true, "bk.ru": true, "inbox.ru": true, "list.ru": true,
	"seznam.cz": true, "wp.pl": true, "o2.pl": true, "interia.pl": true, "onet.pl": true,
	"qq.com": true, "163.com": true, "126.com": true, "sina.com": true, "yeah.net": true,
	"naver.com": true, "daum.net": true, "hanmail.net": true,
	"rediffmail.com": true, "uol.com.br": true, "bol.com.br": true, "terra.com.br": true,
}
