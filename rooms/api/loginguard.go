package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// LoginLimits bound password guessing. Zero values take the defaults.
//
// Why this shape: counting every attempt per account (as before) let
// anyone keep anyone locked out. Failures are therefore counted per
// account *and source* (a browser that logged in to the account before,
// known by its device cookie, or else the client's address), with an
// exponential wait, so a stranger only locks herself out. Against stuffing
// spread over many addresses, failures for one account from all sources
// share a ceiling; above it only known-good sources (that device cookie,
// or an address the account logged in from lately) may still try, so the
// owner still gets in from her usual browser while the attack goes on.
type LoginLimits struct {
	// PerIPPerMinute caps login-like requests (logins, reset requests)
	// from one address, whatever the account; default 60. It keeps one
	// address from burning the server's CPU on password hashing.
	PerIPPerMinute int
	// FreeFailures is how many wrong passwords one source may send for
	// one account before it must wait; default 5.
	FreeFailures int
	// BackoffMax caps that wait, which starts at 30 s and doubles with
	// every further failure; default 15 min.
	BackoffMax time.Duration
	// AccountFailures is the ceiling of failures for one account from all
	// sources within 15 minutes; above it only known-good sources may
	// try. Default 100.
	AccountFailures int
	// PasswordChecks bounds concurrent bcrypt work; default half the
	// CPUs, at least one, so a login storm leaves the other half to
	// everyone else. A request waits up to PasswordWait (default 3 s) for
	// a slot, then gets 503 server_busy; beyond PasswordQueue waiting
	// (default 32 per slot) it gets 503 server_busy at once.
	PasswordChecks int
	PasswordWait   time.Duration
	PasswordQueue  int
}

const (
	backoffBase     = 30 * time.Second
	accountWindow   = 15 * time.Minute
	knownGoodFor    = 30 * 24 * time.Hour
	knownGoodMax    = 8       // addresses remembered per account
	loginGuardMax   = 200_000 // entries kept at most; beyond, the oldest go
	deviceCookie    = "zadankai_device"
	deviceCookieAge = 180 * 24 * time.Hour
)

func (l LoginLimits) withDefaults(cpus int) LoginLimits {
	if l.PerIPPerMinute <= 0 {
		l.PerIPPerMinute = 60
	}
	if l.FreeFailures <= 0 {
		l.FreeFailures = 5
	}
	if l.BackoffMax <= 0 {
		l.BackoffMax = 15 * time.Minute
	}
	if l.AccountFailures <= 0 {
		l.AccountFailures = 100
	}
	if l.PasswordChecks <= 0 {
		l.PasswordChecks = max(cpus/2, 1)
	}
	if l.PasswordQueue <= 0 {
		// About what the slots get through in PasswordWait at bcrypt's
		// default cost; more would only wait to be refused.
		l.PasswordQueue = 32 * l.PasswordChecks
	}
	if l.PasswordWait <= 0 {
		l.PasswordWait = 3 * time.Second // an honest burst (a roundtable about to start) queues; a storm is turned away
	}
	return l
}

// loginGuard remembers recent login failures and successes.
type loginGuard struct {
	lim    LoginLimits
	now    func() time.Time
	device []byte // HMAC key of device cookies

	mu       sync.Mutex
	sources  map[string]*sourceState  // account+"\x00"+source; guarded by mu
	accounts map[string]*accountState // by account; guarded by mu
	swept    time.Time                // guarded by mu
}

type sourceState struct {
	failures int
	until    time.Time // no password check before this
	last     time.Time
}

type accountState struct {
	windowStart time.Time
	failures    int                  // in the window that began at windowStart
	good        map[string]time.Time // address → last successful login
	last        time.Time
}

func newLoginGuard(lim LoginLimits, now func() time.Time, deviceKey []byte) *loginGuard {
	return &loginGuard{lim: lim, now: now, device: deviceKey,
		sources: map[string]*sourceState{}, accounts: map[string]*accountState{}}
}

// deviceToken is the device cookie's value for account: proof that this
// browser logged in to it before.
func (g *loginGuard) deviceToken(account string) string {
	mac := hmac.New(sha256.New, g.device)
	mac.Write([]byte("device\x00" + account))
	return hex.EncodeToString(mac.Sum(nil))[:32]
}

// knownDevice reports whether cookie proves an earlier login to account.
func (g *loginGuard) knownDevice(account, cookie string) bool {
	return cookie != "" && hmac.Equal([]byte(cookie), []byte(g.deviceToken(account)))
}

// check says how long the source must still wait before a password check
// for account (0: go ahead) and which limit holds it ("backoff" or
// "account"). known is true for a known-good device.
func (g *loginGuard) check(account, source, ip string, known bool) (time.Duration, string) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sweepLocked(now)
	if s := g.sources[account+"\x00"+source]; s != nil && now.Before(s.until) {
		return s.until.Sub(now), "backoff"
	}
	acc := g.accounts[account]
	if acc == nil || known || now.Sub(acc.windowStart) >= accountWindow || acc.failures < g.lim.AccountFailures {
		return 0, ""
	}
	if t, ok := acc.good[ip]; ok && now.Sub(t) < knownGoodFor {
		return 0, ""
	}
	return acc.windowStart.Add(accountWindow).Sub(now), "account"
}

// failed records a wrong password from source for account.
func (g *loginGuard) failed(account, source string) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	key := account + "\x00" + source
	s := g.sources[key]
	if s == nil {
		s = &sourceState{}
		g.sources[key] = s
	}
	s.failures++
	s.last = now
	if over := s.failures - g.lim.FreeFailures; over >= 0 {
		wait := g.lim.BackoffMax
		if over < 20 && backoffBase<<over < wait {
			wait = backoffBase << over
		}
		s.until = now.Add(wait)
	}
	acc := g.accountLocked(account, now)
	if now.Sub(acc.windowStart) >= accountWindow {
		acc.windowStart, acc.failures = now, 0
	}
	acc.failures++
}

// succeeded forgets source's failures and remembers ip as known-good.
func (g *loginGuard) succeeded(account, source, ip string) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.sources, account+"\x00"+source)
	acc := g.accountLocked(account, now)
	if acc.good == nil {
		acc.good = map[string]time.Time{}
	}
	if _, ok := acc.good[ip]; !ok && len(acc.good) >= knownGoodMax {
		oldest := ""
		for a, t := range acc.good {
			if oldest == "" || t.Before(acc.good[oldest]) {
				oldest = a
			}
		}
		delete(acc.good, oldest)
	}
	acc.good[ip] = now
}

func (g *loginGuard) accountLocked(account string, now time.Time) *accountState {
	acc := g.accounts[account]
	if acc == nil {
		acc = &accountState{windowStart: now}
		g.accounts[account] = acc
	}
	acc.last = now
	return acc
}

// sweepLocked forgets what no longer matters, at most once a minute, and
// keeps the maps bounded even under a flood of fresh addresses.
func (g *loginGuard) sweepLocked(now time.Time) {
	full := len(g.sources)+len(g.accounts) > loginGuardMax
	if !full && now.Sub(g.swept) < time.Minute {
		return
	}
	g.swept = now
	keepSource := g.lim.BackoffMax + accountWindow
	if full {
		keepSource = accountWindow // under a flood, forget faster
	}
	for k, s := range g.sources {
		if now.Sub(s.last) > keepSource && now.After(s.until) {
			delete(g.sources, k)
		}
	}
	for k, acc := range g.accounts {
		if (len(acc.good) == 0 || full) && now.Sub(acc.last) > accountWindow || now.Sub(acc.last) > knownGoodFor {
			delete(g.accounts, k)
		}
	}
}
