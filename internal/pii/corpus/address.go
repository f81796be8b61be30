package corpus

import "fmt"

// address writes a street address the locale's way, sometimes with the
// postcode and city.
func (g gen) address(loc string) string {
	n := names[loc]
	num := fmt.Sprint(1 + g.r.IntN(240))
	if g.r.IntN(8) == 0 {
		num += g.pick([]string{"A", "B", "a"})
	}
	city := g.pick(n.cities)
	withCity := g.r.IntN(3) > 0
	switch loc {
	case "en-US":
		s := num + " " + g.pick(n.streets) + " " + g.pick([]string{"Street", "St", "Avenue", "Ave", "Road", "Drive", "Lane", "Blvd", "Court"})
		if withCity {
			s += ", " + city + ", " + g.pick([]string{"IL", "OR", "TX", "CO", "MA", "WA", "AZ", "GA", "WI"}) + " " + g.digits(5)
		}
		return s
	case "en-GB":
		s := num + " " + g.pick(n.streets) + " " + g.pick([]string{"Street", "Road", "Lane", "Close", "Gardens", "Terrace", "Avenue"})
		if g.r.IntN(5) == 0 {
			s = "Flat " + fmt.Sprint(1+g.r.IntN(20)) + ", " + s
		}
		if withCity {
			s += ", " + city + " " + g.letters(2) + fmt.Sprint(1+g.r.IntN(20)) + " " + fmt.Sprint(g.r.IntN(10)) + g.letters(2)
		}
		return s
	case "de-DE":
		st := g.pick(n.streets) + g.pick([]string{"straße", "str.", "weg", "allee", "platz", "gasse"})
		if g.r.IntN(5) == 0 {
			st = g.pick([]string{"Berliner", "Münchner", "Hamburger", "Frankfurter"}) + " Straße"
		}
		s := st + " " + num
		if withCity {
			s += ", " + g.digits(5) + " " + city
		}
		return s
	case "fr-FR":
		s := num + " " + g.pick([]string{"rue", "avenue", "boulevard", "place", "allée", "impasse"}) + " " + g.pick(n.streets)
		if withCity {
			s += ", " + g.digits(5) + " " + city
		}
		return s
	case "es-ES":
		s := g.pick([]string{"Calle", "Avenida", "Plaza", "Paseo", "C/"}) + " " + g.pick(n.streets) + g.pick([]string{" ", ", "}) + num
		if withCity {
			s += ", " + g.digits(5) + " " + city
		}
		return s
	}
	s := g.pick(n.streets) + g.pick([]string{"straat", "laan", "weg", "plein", "gracht", "kade", "singel"}) + " " + num
	if withCity {
		s += ", " + fmt.Sprint(1000+g.r.IntN(9000)) + " " + g.letters(2) + " " + city
	}
	return s
}
