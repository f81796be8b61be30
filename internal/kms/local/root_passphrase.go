package local

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"golang.org/x/crypto/argon2"
)

// Argon2Params is the cost of Argon2id for a passphrase root.
type Argon2Params struct {
	Time      uint32 // passes
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
}

// DefaultArgon2 is RFC 9106's second recommended option (t=3, 64 MiB, p=4):
// about a fifth of a second on one core of a current server.
var DefaultArgon2 = Argon2Params{Time: 3, MemoryKiB: 64 << 10, Threads: 4}

// Bounds on what a header may ask for, checked before Argon2 runs, so a
// changed header cannot make Open allocate more than 1 GiB or spin for
// minutes.
const (
	argon2Alg       = 1 // Argon2id, version 0x13
	minArgon2Time   = 1
	maxArgon2Time   = 16
	minArgon2Memory = 8 << 10 // 8 MiB
	maxArgon2Memory = 1 << 20 // 1 GiB
	maxArgon2Lanes  = 16
	saltSize        = 16
	maxSaltSize     = 64
	// MinPassphraseLen is the shortest passphrase Create and MigrateRoot
	// accept; Open accepts any non-empty one.
	MinPassphraseLen = 8
)

func (p Argon2Params) check() error {
	if p.Time < minArgon2Time || p.Time > maxArgon2Time || p.MemoryKiB < minArgon2Memory ||
		p.MemoryKiB > maxArgon2Memory || p.Threads == 0 || p.Threads > maxArgon2Lanes {
		return fmt.Errorf("kms: Argon2id cost t=%d m=%dKiB p=%d is outside t 1..%d, m %d..%d KiB, p 1..%d",
			p.Time, p.MemoryKiB, p.Threads, maxArgon2Time, minArgon2Memory, maxArgon2Memory, maxArgon2Lanes)
	}
	return nil
}

// passphraseParams are the root parameters of RootPassphrase:
//
//	alg       1 byte   1 = Argon2id (version 0x13)
//	time      4 bytes  passes
//	memory    4 bytes  KiB
//	threads   1 byte   lanes
//	salt len  1 byte   16..64
//	salt      n bytes
type passphraseParams struct {
	Argon2Params
	salt []byte
}

func (p passphraseParams) marshal() []byte {
	b := make([]byte, 0, 11+len(p.salt))
	b = append(b, argon2Alg)
	b = binary.BigEndian.AppendUint32(b, p.Time)
	b = binary.BigEndian.AppendUint32(b, p.MemoryKiB)
	b = append(b, p.Threads, byte(len(p.salt)))
	return append(b, p.salt...)
}

// parsePassphraseParams checks every field against its bound; anything
// else is ErrSealed, as a header changed anywhere is.
func parsePassphraseParams(b []byte) (passphraseParams, error) {
	if len(b) < 11 || b[0] != argon2Alg || int(b[10]) != len(b)-11 {
		return passphraseParams{}, ErrSealed
	}
	p := passphraseParams{
		Argon2Params: Argon2Params{
			Time: binary.BigEndian.Uint32(b[1:]), MemoryKiB: binary.BigEndian.Uint32(b[5:]), Threads: b[9],
		},
		salt: b[11:],
	}
	if p.check() != nil || len(p.salt) < saltSize || len(p.salt) > maxSaltSize {
		return passphraseParams{}, ErrSealed
	}
	return p, nil
}

func (p passphraseParams) key(pass []byte) []byte {
	return argon2.IDKey(pass, p.salt, p.Time, p.MemoryKiB, p.Threads, keySize)
}

type passphraseRoot struct {
	get  func(context.Context) ([]byte, error)
	cost Argon2Params
}

func newPassphraseRoot(s RootSpec) (root, error) {
	r := passphraseRoot{get: s.Passphrase, cost: s.Argon2}
	if r.get == nil {
		r.get = envPassphrase
	}
	if r.cost == (Argon2Params{}) {
		r.cost = DefaultArgon2
	}
	if err := r.cost.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// envPassphrase reads $COFFER_PASSPHRASE. A Go string cannot be zeroed:
// the environment's copy lives as long as the process.
func envPassphrase(context.Context) ([]byte, error) {
	v := os.Getenv(EnvPassphrase)
	if v == "" {
		return nil, errors.New("kms: the keyring is sealed by a passphrase; set " + EnvPassphrase + " or enter it when asked")
	}
	return []byte(v), nil
}

func (passphraseRoot) kind() RootKind { return RootPassphrase }

func (r passphraseRoot) passphrase(ctx context.Context, minLen int) ([]byte, error) {
	pass, err := r.get(ctx)
	if err != nil {
		return nil, err
	}
	if len(pass) == 0 || len(pass) < minLen {
		clear(pass)
		return nil, fmt.Errorf("kms: a passphrase must be at least %d bytes", max(minLen, 1))
	}
	return pass, nil
}

func (r passphraseRoot) create(ctx context.Context) ([]byte, []byte, func(), error) {
	pass, err := r.passphrase(ctx, MinPassphraseLen)
	if err != nil {
		return nil, nil, nil, err
	}
	defer clear(pass)
	p := passphraseParams{Argon2Params: r.cost, salt: make([]byte, saltSize)}
	rand.Read(p.salt) // never fails (crypto/rand)
	return p.marshal(), p.key(pass), func() {}, nil
}

func (r passphraseRoot) open(ctx context.Context, params []byte) ([]byte, error) {
	p, err := parsePassphraseParams(params)
	if err != nil {
		return nil, err
	}
	pass, err := r.passphrase(ctx, 1)
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	return p.key(pass), nil
}
