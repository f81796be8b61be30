package corpus

// The generator's own name lists, written apart from pii's dictionaries:
// most are common names (which any dictionary holds), about a quarter are
// rarer names chosen without looking at pii's lists, so that the accuracy
// test measures the dictionary's coverage instead of assuming it.

type localeNames struct {
	first, last []string
	cities      []string
	streets     []string // street name stems for addresses
}

var names = map[string]localeNames{
	"en-US": {
		first: []string{"James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
			"William", "Elizabeth", "Tyler", "Madison", "Brandon", "Ashley", "Ethan", "Olivia",
			"Kayden", "Brayden", "Jaxon", "Everly", "Paisley", "Maverick", "Declan", "Kinsley",
			"Ryker", "Nevaeh", "Sawyer", "Tatum", "Delaney", "Marisol", "Dwayne", "LaToya"},
		last: []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
			"Wilson", "Anderson", "Thompson", "Martinez", "Robinson", "Clark", "Lewis", "Walker",
			"Whitaker", "Hollingsworth", "Pennington", "Blackwell", "Fairbanks", "Holloway",
			"Whitfield", "Abernathy", "Castellano", "Underwood", "Kowalski", "Nguyen", "Okafor",
			"Delgado", "Yamamoto", "Brennan"},
		cities:  []string{"Springfield", "Portland", "Austin", "Denver", "Boston", "Chicago", "Seattle", "Phoenix", "Atlanta", "Madison"},
		streets: []string{"Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Pine", "Sunset", "Evergreen"},
	},
	"en-GB": {
		first: []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily",
			"Charlie", "Sophie", "Thomas", "Grace", "Alfie", "Poppy", "Freddie", "Evie",
			"Rhys", "Siobhan", "Callum", "Niamh", "Euan", "Ffion", "Hamish", "Morag",
			"Tobias", "Imogen", "Peregrine", "Araminta", "Ciaran", "Eilidh"},
		last: []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
			"Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
			"Featherstone", "Ashworth", "Pemberton", "Cartwright", "Fitzgerald", "Llewellyn",
			"Braithwaite", "Ogilvy", "Urquhart", "Trevelyan", "Haworth", "Sutcliffe"},
		cities:  []string{"London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff", "Oxford", "York", "Bath", "Norwich"},
		streets: []string{"High", "Station", "Church", "Victoria", "Mill", "Baker", "Kings", "Queens", "Manor", "Park", "Grove", "Albert"},
	},
	"de-DE": {
		first: []string{"Lukas", "Anna", "Leon", "Marie", "Finn", "Sophie", "Jonas", "Emilia",
			"Paul", "Hannah", "Felix", "Lena", "Maximilian", "Johanna", "Stefan", "Sabine",
			"Jürgen", "Ursula", "Wolfgang", "Brigitte", "Thorsten", "Gudrun", "Detlef", "Waltraud",
			"Friedhelm", "Hiltrud", "Eckhard", "Roswitha", "Kunibert", "Adelheid"},
		last: []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
			"Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
			"Brinkmann", "Oberländer", "Kleinschmidt", "Wiesenthal", "Hausmann", "Pfeffer",
			"Rademacher", "Tiedemann", "Eichhorn", "Vogelsang", "Brockhaus", "Lindemann"},
		cities:  []string{"Berlin", "München", "Hamburg", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Bremen", "Hannover"},
		streets: []string{"Haupt", "Bahnhof", "Schul", "Garten", "Linden", "Berg", "Kirch", "Wald", "Dorf", "Ring", "Rosen", "Birken"},
	},
	"fr-FR": {
		first: []string{"Jean", "Marie", "Pierre", "Nathalie", "Nicolas", "Isabelle", "Julien", "Camille",
			"Thomas", "Léa", "Antoine", "Manon", "François", "Sophie", "Hugo", "Chloé",
			"Gaspard", "Apolline", "Anatole", "Bérénice", "Lisandro", "Maëlys", "Aurélien", "Ségolène",
			"Gwenaël", "Solène", "Timothée", "Clémentine", "Evrard", "Ysaline"},
		last: []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
			"Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Fournier",
			"Beaumont", "Delacroix", "Marchetti", "Lemaître", "Castaing", "Villeneuve", "Desjardins",
			"Toussaint", "Lacoste", "Bellamy", "Courtois", "Rochefort"},
		cities:  []string{"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Bordeaux", "Lille", "Strasbourg", "Rennes", "Nice"},
		streets: []string{"de la Paix", "Victor Hugo", "de la République", "Jean Jaurès", "des Lilas", "Pasteur", "du Général Leclerc", "des Écoles", "Gambetta", "de Verdun"},
	},
	"es-ES": {
		first: []string{"Antonio", "María", "Manuel", "Carmen", "José", "Ana", "David", "Laura",
			"Javier", "Lucía", "Carlos", "Marta", "Daniel", "Elena", "Pablo", "Sara",
			"Iker", "Itziar", "Xabier", "Maite", "Fermín", "Begoña", "Ginés", "Inmaculada",
			"Telmo", "Ainara", "Borja", "Macarena", "Eneko", "Rocío"},
		last: []string{"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
			"Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz",
			"Etxeberria", "Goikoetxea", "Arrieta", "Valverde", "Zubizarreta", "Echevarría", "Olmedo",
			"Quintana", "Villalobos", "Sepúlveda", "Urrutia", "Barrientos"},
		cities:  []string{"Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao", "Murcia", "Granada", "Alicante"},
		streets: []string{"Mayor", "de Alcalá", "del Prado", "de la Constitución", "Real", "de Goya", "Nueva", "del Sol", "de Cervantes", "San Juan"},
	},
	"nl-NL": {
		first: []string{"Jan", "Maria", "Pieter", "Anna", "Daan", "Emma", "Sem", "Julia",
			"Lucas", "Sophie", "Thijs", "Lotte", "Bram", "Sanne", "Ruben", "Femke",
			"Joris", "Marijke", "Hidde", "Wietske", "Sjoerd", "Geertje", "Melle", "Jikke",
			"Gijs", "Floor", "Tjeerd", "Anouk", "Wessel", "Roos"},
		last: []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
			"Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
			"van der Zwaan", "Hoogendoorn", "Kloosterman", "van Wijngaarden", "Oosterhuis", "Bijlsma",
			"Terpstra", "Zwart", "van Rossum", "Kramer", "Nijholt", "Brouwer"},
		cities:  []string{"Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda", "Nijmegen"},
		streets: []string{"Kerk", "Molen", "School", "Dorps", "Heren", "Prinsen", "Keizers", "Linden", "Beuken", "Eiken", "Vondel", "Oranje"},
	},
}

// Decoy vocabularies: capitalized words that are not people or
// addresses, some of them also names ("Paris", "Austin", "Green").
var (
	cityDecoys    = []string{"London", "Paris", "Berlin", "Madrid", "Amsterdam", "Austin", "Sydney", "Florence", "Victoria", "Jackson", "Orlando", "Lincoln", "Rotterdam", "Lyon", "Sevilla", "Dallas", "Chelsea", "Camden"}
	colorDecoys   = []string{"Green", "Black", "White", "Brown", "Gray", "Rose", "Olive", "Amber", "Ruby", "Violet", "Red", "Blue", "Navy", "Teal", "Hazel", "Ivory"}
	productDecoys = []string{"Blue Widget", "Pro Max Case", "Ultra Charger", "Desk Lamp", "Garden Hose", "Travel Mug", "Smart Plug", "Office Chair", "Wireless Mouse", "Coffee Grinder", "Yoga Mat", "Steel Bottle"}
	companyDecoys = []string{"Acme Corp", "Globex GmbH", "Initech Ltd", "Umbrella SA", "Stark Industries", "Wayne Enterprises", "Hooli Inc", "Vandelay Industries", "Soylent BV", "Tyrell Corp"}
	jobDecoys     = []string{"Software Engineer", "Data Scientist", "Sales Manager", "Account Executive", "Nurse", "Teacher", "Product Owner", "Warehouse Clerk", "Chief Financial Officer", "Designer"}
	statusDecoys  = []string{"active", "pending", "closed", "shipped", "cancelled", "on hold", "refunded"}
)
