package quality

import (
	"math"
	"math/bits"
)

// hllP is the HyperLogLog precision: 2^12 registers of one byte each
// (4 KiB per column, small enough to stay in cache with many columns),
// a relative standard error of 1.04/sqrt(2^12) = 1.63 % (Spark and Deequ
// default to 5 %).
const (
	hllP = 12
	hllM = 1 << hllP
	hllQ = 64 - hllP
)

// HLLStdError is the relative standard error of Distinct estimates.
var HLLStdError = 1.04 / math.Sqrt(hllM)

// hll estimates the number of distinct 64-bit hashes it was given. It
// uses Ertl's improved estimator ("New cardinality estimation algorithms
// for HyperLogLog sketches", 2017, as in Redis), which needs no bias
// tables and is accurate from 0 to 2^64 distinct values.
type hll struct {
	reg []uint8
}

func newHLL() *hll { return &hll{reg: make([]uint8, hllM)} }

// add records hash h: the low hllP bits pick a register, the position of
// the lowest set bit of the rest is the register's candidate value.
func (s *hll) add(h uint64) {
	i := h & (hllM - 1)
	rest := h>>hllP | 1<<hllQ // the sentinel bounds the value at hllQ+1
	r := uint8(bits.TrailingZeros64(rest)) + 1
	if r > s.reg[i] {
		s.reg[i] = r
	}
}

// estimate returns the estimated number of distinct hashes added.
func (s *hll) estimate() float64 {
	var c [hllQ + 2]int
	for _, r := range s.reg {
		c[r]++
	}
	const m = float64(hllM)
	z := m * hllTau(1-float64(c[hllQ+1])/m)
	for k := hllQ; k >= 1; k-- {
		z = 0.5 * (z + float64(c[k]))
	}
	z += m * hllSigma(float64(c[0])/m)
	return 0.5 / math.Ln2 * m * m / z
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if z == prev {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == prev {
			return z / 3
		}
	}
}
