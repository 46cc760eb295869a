package demo

// Geography of the demo shop's contacts: a weighted list of countries, each with a few regions
// and cities, and the physical stores some customers live near.

type region struct {
	name   string
	weight float64
	cities []string
	cityW  weights
	store  int // index into stores of the store in this region, or -1
}

type country struct {
	code    string
	weight  float64
	regions []region
	regionW weights
}

// stores are where orders are placed: the online shop and a few flagship stores.
var stores = []string{"online", "nyc-flagship", "berlin", "london", "tokyo"}

const storeOnline = 0

func newRegion(name string, weight float64, store int, cities ...string) region {
	w := make([]float64, len(cities))
	for i := range cities {
		w[i] = 1 / float64(i+1) // the first city is the biggest
	}
	return region{name: name, weight: weight, cities: cities, cityW: newWeights(w...), store: store}
}

var countries = func() []country {
	cs := []country{
		{code: "US", weight: 30, regions: []region{
			newRegion("California", 12, -1, "Los Angeles", "San Francisco", "San Diego"),
			newRegion("New York", 9, 1, "New York", "Brooklyn", "Buffalo"),
			newRegion("Texas", 8, -1, "Houston", "Austin", "Dallas"),
			newRegion("Florida", 6, -1, "Miami", "Orlando", "Tampa"),
			newRegion("Illinois", 4, -1, "Chicago", "Naperville"),
		}},
		{code: "DE", weight: 14, regions: []region{
			newRegion("Berlin", 5, 2, "Berlin"),
			newRegion("Bavaria", 6, -1, "Munich", "Nuremberg", "Augsburg"),
			newRegion("Hamburg", 3, -1, "Hamburg"),
			newRegion("North Rhine-Westphalia", 8, -1, "Cologne", "Düsseldorf", "Dortmund"),
		}},
		{code: "GB", weight: 12, regions: []region{
			newRegion("England", 10, 3, "London", "Manchester", "Birmingham", "Leeds"),
			newRegion("Scotland", 2, -1, "Glasgow", "Edinburgh"),
			newRegion("Wales", 1, -1, "Cardiff", "Swansea"),
		}},
		{code: "FR", weight: 10, regions: []region{
			newRegion("Île-de-France", 6, -1, "Paris", "Boulogne-Billancourt"),
			newRegion("Auvergne-Rhône-Alpes", 3, -1, "Lyon", "Grenoble"),
			newRegion("Provence-Alpes-Côte d'Azur", 3, -1, "Marseille", "Nice"),
		}},
		{code: "JP", weight: 10, regions: []region{
			newRegion("Tokyo", 8, 4, "Tokyo", "Hachioji"),
			newRegion("Osaka", 4, -1, "Osaka", "Sakai"),
			newRegion("Kanagawa", 3, 4, "Yokohama", "Kawasaki"),
			newRegion("Aichi", 2, -1, "Nagoya"),
		}},
		{code: "CA", weight: 9, regions: []region{
			newRegion("Ontario", 6, -1, "Toronto", "Ottawa", "Mississauga"),
			newRegion("Quebec", 3, -1, "Montreal", "Quebec City"),
			newRegion("British Columbia", 2, -1, "Vancouver", "Victoria"),
		}},
		{code: "AU", weight: 8, regions: []region{
			newRegion("New South Wales", 5, -1, "Sydney", "Newcastle"),
			newRegion("Victoria", 4, -1, "Melbourne", "Geelong"),
			newRegion("Queensland", 3, -1, "Brisbane", "Gold Coast"),
		}},
		{code: "NL", weight: 7, regions: []region{
			newRegion("North Holland", 4, -1, "Amsterdam", "Haarlem"),
			newRegion("South Holland", 4, -1, "Rotterdam", "The Hague", "Leiden"),
			newRegion("Utrecht", 2, -1, "Utrecht"),
		}},
	}
	for i := range cs {
		w := make([]float64, len(cs[i].regions))
		for j, rg := range cs[i].regions {
			w[j] = rg.weight
		}
		cs[i].regionW = newWeights(w...)
	}
	return cs
}()

var countryW = func() weights {
	w := make([]float64, len(countries))
	for i, c := range countries {
		w[i] = c.weight
	}
	return newWeights(w...)
}()

// Genders and their shares among contacts (the rest, 5 %, unknown).
var (
	genders = []string{"female", "male", "other", ""}
	genderW = newWeights(55, 38, 2, 5)
)

// Device types of online orders.
var (
	devices = []string{"mobile", "app", "desktop", "tablet"}
	deviceW = newWeights(52, 22, 21, 5)
)

// favouriteW is, per gender (female, male, other, unknown), how likely each category is a
// customer's favourite — it steers what they buy, follow and watch.
var favouriteW = [4]weights{
	newWeights(30, 25, 15, 7, 10, 13),
	newWeights(6, 18, 14, 30, 14, 18),
	newWeights(18, 22, 16, 16, 12, 16),
	newWeights(17, 20, 16, 17, 13, 17),
}
