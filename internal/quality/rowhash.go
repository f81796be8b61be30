package quality

import (
	"math/bits"

	"github.com/zeebo/xxh3"
)

// cellHash is the 128-bit XXH3 hash of a cell's text. Its low half keys
// the column's top values and HyperLogLog; both halves go into the row's
// hash. One hash per cell serves all three: the row is not copied or
// hashed a second time (docs/decisions/0004-row-hash.md).
func cellHash(text []byte) xxh3.Uint128 { return xxh3.Hash128(text) }

// nullHash stands for a null cell: no text hashes to it but by a 2^-128
// chance, so a null and an empty string stay different cells.
var nullHash = xxh3.Uint128{Hi: 0x8c6a7d1c0b5e3f29, Lo: 0xd1b54a32d192ed03}

// rowFold folds the hashes of a row's cells, in order, into a 128-bit row
// hash: each half is (rotate(acc) XOR cell) * odd constant, a bijection of
// the accumulator for a given cell and of the cell for a given
// accumulator. So two rows of the same length that differ in exactly one
// cell get different folds whenever that cell's hashes differ; rows that
// differ in more cells collide with a probability of about 2^-64 per half,
// and the halves fold the two independent halves of the cells' hashes;
// a row with a cell more takes one more step, so it collides with a
// shorter one by the same chance.
type rowFold struct{ a, b uint64 }

const (
	foldA = 0x9e3779b97f4a7c15
	foldB = 0xc2b2ae3d27d4eb4f
)

func (f *rowFold) add(h xxh3.Uint128) {
	f.a = (bits.RotateLeft64(f.a, 23) ^ h.Lo) * foldA
	f.b = (bits.RotateLeft64(f.b, 29) ^ h.Hi) * foldB
}

// sum returns the row's hash, its bits mixed down (the sort of row hashes
// takes buckets by the top byte).
func (f *rowFold) sum() rowHash {
	return rowHash{hi: f.a ^ f.a>>32, lo: f.b ^ f.b>>32}
}
