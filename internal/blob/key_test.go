package blob

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckKeyMessages(t *testing.T) {
	tests := []struct{ key, want string }{
		{"", `blob: invalid key "": empty`},
		{"a//b", `blob: invalid key "a//b": empty segment`},
		{"a/B", `blob: invalid key "a/B": byte 'B' at offset 2 is not in [a-z0-9/]`},
		{strings.Repeat("a", 300), `blob: invalid key "` + strings.Repeat("a", 80) + `"...: a segment is longer than 255 bytes`},
	}
	for _, tt := range tests {
		err := CheckKey(tt.key)
		if err == nil || err.Error() != tt.want || !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckKey(%.20q) = %v, want %s (matching ErrInvalidKey)", tt.key, err, tt.want)
		}
	}
}
