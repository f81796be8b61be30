//go:build cgo

package pkcs11

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	p11 "github.com/miekg/pkcs11"
)

// A module is a loaded, initialised PKCS#11 library, shared by every
// Session of the process that uses it: C_Initialize and C_Finalize act on
// the whole process, so the last Session to close finalises it.
//
// Login state is shared too: while one session of a token is logged in,
// C_Login on another answers CKR_USER_ALREADY_LOGGED_IN without checking
// the PIN. So the module keeps, per logged-in slot, an HMAC of the PIN
// that logged in (under a random per-module key) and refuses a session
// whose PIN differs, as the token would.
type module struct {
	key    string
	ctx    *p11.Ctx
	refs   int // guarded by modules
	mu     sync.Mutex
	macKey []byte
	logins map[uint]*loginState // by slot; guarded by mu
}

type loginState struct {
	sessions int
	pinMAC   []byte
}

func (m *module) pinMAC(pin string) []byte {
	h := hmac.New(sha256.New, m.macKey)
	h.Write([]byte(pin))
	return h.Sum(nil)
}

var modules = struct {
	sync.Mutex
	m map[string]*module
}{m: map[string]*module{}}

func acquire(path string) (*module, error) {
	key, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("pkcs11: module %s: %w", path, err)
	}
	modules.Lock()
	defer modules.Unlock()
	if m := modules.m[key]; m != nil {
		m.refs++
		return m, nil
	}
	ctx := p11.New(key)
	if ctx == nil {
		return nil, fmt.Errorf("pkcs11: cannot load module %s", path)
	}
	if err := ctx.Initialize(); err != nil && !isCode(err, p11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		ctx.Destroy()
		return nil, fmt.Errorf("pkcs11: module %s: initialize: %v", path, err)
	}
	m := &module{key: key, ctx: ctx, refs: 1, macKey: make([]byte, 32), logins: map[uint]*loginState{}}
	rand.Read(m.macKey) // never fails (crypto/rand)
	modules.m[key] = m
	return m, nil
}

func (m *module) release() {
	modules.Lock()
	defer modules.Unlock()
	if m.refs--; m.refs > 0 {
		return
	}
	delete(modules.m, m.key)
	m.ctx.Finalize()
	m.ctx.Destroy()
}

func isCode(err error, code uint) bool {
	var e p11.Error
	return errors.As(err, &e) && uint(e) == code
}

// Session is a logged-in read-write session with one token. It is safe for
// concurrent use (calls are serialised: a PKCS#11 session is not).
type Session struct {
	mu    sync.Mutex
	mod   *module
	sh    p11.SessionHandle
	slot  uint
	token string
}

// Open loads cfg.Module, finds the token labelled cfg.Token and logs in
// with cfg.PIN. Close the session when done.
func Open(cfg Config) (*Session, error) {
	if cfg.Module == "" || cfg.Token == "" {
		return nil, errors.New("pkcs11: a module path and a token label are needed")
	}
	m, err := acquire(cfg.Module)
	if err != nil {
		return nil, err
	}
	s, err := openSession(m, cfg)
	if err != nil {
		m.release()
		return nil, err
	}
	return s, nil
}

func openSession(m *module, cfg Config) (*Session, error) {
	slot, err := findSlot(m.ctx, cfg.Token)
	if err != nil {
		return nil, err
	}
	sh, err := m.ctx.OpenSession(slot, p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
	if err != nil {
		return nil, fmt.Errorf("pkcs11: token %q: open session: %v", cfg.Token, err)
	}
	if err := m.login(sh, slot, cfg.PIN); err != nil {
		m.ctx.CloseSession(sh)
		return nil, fmt.Errorf("pkcs11: login to token %q failed: %w", cfg.Token, err)
	}
	return &Session{mod: m, sh: sh, slot: slot, token: cfg.Token}, nil
}

var errWrongPIN = errors.New("wrong PIN")

func (m *module) login(sh p11.SessionHandle, slot uint, pin string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	mac := m.pinMAC(pin)
	l := m.logins[slot]
	err := m.ctx.Login(sh, p11.CKU_USER, pin)
	switch {
	case err == nil:
		m.logins[slot] = &loginState{sessions: 1, pinMAC: mac}
		return nil
	case isCode(err, p11.CKR_USER_ALREADY_LOGGED_IN) && l != nil:
		if !hmac.Equal(mac, l.pinMAC) {
			return errWrongPIN
		}
		l.sessions++
		return nil
	case isCode(err, p11.CKR_PIN_INCORRECT) || isCode(err, p11.CKR_PIN_LEN_RANGE):
		return errWrongPIN
	default:
		// Logged in by someone other than this package (l == nil), or
		// another failure: say so rather than guess.
		return fmt.Errorf("%v", err)
	}
}

// closed forgets a session of slot; the token logs the application out
// when its last session closes.
func (m *module) closed(slot uint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l := m.logins[slot]; l != nil {
		if l.sessions--; l.sessions <= 0 {
			delete(m.logins, slot)
		}
	}
}

func findSlot(ctx *p11.Ctx, label string) (uint, error) {
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		return 0, fmt.Errorf("pkcs11: list slots: %v", err)
	}
	var found []uint
	for _, s := range slots {
		if ti, err := ctx.GetTokenInfo(s); err == nil && ti.Label == label {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return 0, fmt.Errorf("pkcs11: no token labelled %q (initialise one, or check the token label)", label)
	case 1:
		return found[0], nil
	default:
		return 0, fmt.Errorf("pkcs11: %d tokens are labelled %q; token labels must be unique", len(found), label)
	}
}

// Close ends the session; the last session of a module finalises it.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mod == nil {
		return nil
	}
	err := s.mod.ctx.CloseSession(s.sh)
	s.mod.closed(s.slot)
	s.mod.release()
	s.mod = nil
	if err != nil {
		return fmt.Errorf("pkcs11: close session: %v", err)
	}
	return nil
}

func (s *Session) ctx() (*p11.Ctx, error) {
	if s.mod == nil {
		return nil, errors.New("pkcs11: session is closed")
	}
	return s.mod.ctx, nil
}

// FindKey returns the AES secret key labelled label, after CheckKey.
func (s *Session) FindKey(label string) (Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, err := s.ctx()
	if err != nil {
		return Key{}, err
	}
	tmpl := []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_SECRET_KEY),
		p11.NewAttribute(p11.CKA_KEY_TYPE, p11.CKK_AES),
		p11.NewAttribute(p11.CKA_LABEL, label),
	}
	if err := ctx.FindObjectsInit(s.sh, tmpl); err != nil {
		return Key{}, fmt.Errorf("pkcs11: find key %q: %v", label, err)
	}
	objs, _, err := ctx.FindObjects(s.sh, 2)
	ctx.FindObjectsFinal(s.sh)
	switch {
	case err != nil:
		return Key{}, fmt.Errorf("pkcs11: find key %q: %v", label, err)
	case len(objs) == 0:
		return Key{}, fmt.Errorf("%w: no AES key labelled %q on token %q", ErrNoKey, label, s.token)
	case len(objs) > 1:
		return Key{}, fmt.Errorf("pkcs11: several AES keys are labelled %q on token %q; labels must be unique", label, s.token)
	}
	k := Key{handle: uint(objs[0]), label: label}
	if err := s.checkKey(ctx, k); err != nil {
		return Key{}, err
	}
	return k, nil
}

// GenerateKey makes a new AES-256 key on the token, labelled label, that
// never leaves it (see the package doc for its attributes).
func (s *Session) GenerateKey(label string) (Key, error) {
	if label == "" || len(label) > MaxLabel {
		return Key{}, fmt.Errorf("pkcs11: a key label must be 1 to %d bytes", MaxLabel)
	}
	id := make([]byte, 16)
	rand.Read(id) // never fails (crypto/rand)
	tmpl := []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_SECRET_KEY),
		p11.NewAttribute(p11.CKA_KEY_TYPE, p11.CKK_AES),
		p11.NewAttribute(p11.CKA_VALUE_LEN, keyLen),
		p11.NewAttribute(p11.CKA_LABEL, label),
		p11.NewAttribute(p11.CKA_ID, id),
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_PRIVATE, true),
		p11.NewAttribute(p11.CKA_SENSITIVE, true),
		p11.NewAttribute(p11.CKA_EXTRACTABLE, false),
		p11.NewAttribute(p11.CKA_MODIFIABLE, false),
		p11.NewAttribute(p11.CKA_ENCRYPT, true),
		p11.NewAttribute(p11.CKA_DECRYPT, true),
		p11.NewAttribute(p11.CKA_WRAP, false),
		p11.NewAttribute(p11.CKA_UNWRAP, false),
		p11.NewAttribute(p11.CKA_SIGN, false),
		p11.NewAttribute(p11.CKA_VERIFY, false),
		p11.NewAttribute(p11.CKA_DERIVE, false),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, err := s.ctx()
	if err != nil {
		return Key{}, err
	}
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_AES_KEY_GEN, nil)}
	h, err := ctx.GenerateKey(s.sh, mech, tmpl)
	if err != nil {
		return Key{}, fmt.Errorf("pkcs11: generate key %q on token %q: %v", label, s.token, err)
	}
	return Key{handle: uint(h), label: label}, nil
}

// EnsureKey returns the key labelled label, generating it if the token has
// none; created says which.
func (s *Session) EnsureKey(label string) (k Key, created bool, err error) {
	k, err = s.FindKey(label)
	if errors.Is(err, ErrNoKey) {
		k, err = s.GenerateKey(label)
		return k, err == nil, err
	}
	return k, false, err
}
