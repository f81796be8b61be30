package quality

import "slices"

// sortRowHashes sorts row hashes as slices.SortFunc(a, cmpRowHash) does,
// faster: the hashes are uniform, so an in-place MSD radix sort (American
// flag sort) on the bytes of hi, from the top, splits them into buckets
// of similar size in one pass each, and small buckets are finished by
// comparison. Equal hashes are equal values, so the result is the same.
func sortRowHashes(a []rowHash) { radixRowHashes(a, 56) }

// radixSmall is the bucket size below which comparison sorting is cheaper.
const radixSmall = 64

func radixRowHashes(a []rowHash, shift int) {
	if len(a) < radixSmall || shift < 0 {
		slices.SortFunc(a, cmpRowHash)
		return
	}
	digit := func(h rowHash) int { return int(byte(h.hi >> uint(shift))) }
	var count [256]int
	for _, h := range a {
		count[digit(h)]++
	}
	var next, end [256]int
	s := 0
	for b := range 256 {
		next[b] = s
		s += count[b]
		end[b] = s
	}
	for b := range 256 {
		for next[b] < end[b] {
			h := a[next[b]]
			// carry h to its bucket, taking the item there, until one belongs in b
			for d := digit(h); d != b; d = digit(h) {
				a[next[d]], h = h, a[next[d]]
				next[d]++
			}
			a[next[b]] = h
			next[b]++
		}
	}
	start := 0
	for b := range 256 {
		radixRowHashes(a[start:end[b]], shift-8)
		start = end[b]
	}
}
