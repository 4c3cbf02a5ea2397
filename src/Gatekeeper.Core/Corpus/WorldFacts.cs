namespace Gatekeeper.Corpus;

/// <summary>The world facts the embedded base is taught: real, well-known and unambiguous.</summary>
public static class WorldFacts
{
    /// <summary>Country, capital, continent.</summary>
    public static readonly IReadOnlyList<(string Country, string Capital, string Continent)> Countries =
    [
        ("France", "Paris", "Europe"), ("Germany", "Berlin", "Europe"), ("Italy", "Rome", "Europe"),
        ("Spain", "Madrid", "Europe"), ("Portugal", "Lisbon", "Europe"), ("Greece", "Athens", "Europe"),
        ("Poland", "Warsaw", "Europe"), ("Austria", "Vienna", "Europe"), ("Hungary", "Budapest", "Europe"),
        ("Ireland", "Dublin", "Europe"), ("Norway", "Oslo", "Europe"), ("Sweden", "Stockholm", "Europe"),
        ("Finland", "Helsinki", "Europe"), ("Denmark", "Copenhagen", "Europe"), ("Belgium", "Brussels", "Europe"),
        ("Netherlands", "Amsterdam", "Europe"), ("Czechia", "Prague", "Europe"), ("Romania", "Bucharest", "Europe"),
        ("Japan", "Tokyo", "Asia"), ("China", "Beijing", "Asia"), ("India", "New Delhi", "Asia"),
        ("Thailand", "Bangkok", "Asia"), ("Vietnam", "Hanoi", "Asia"), ("Indonesia", "Jakarta", "Asia"),
        ("South Korea", "Seoul", "Asia"), ("Iran", "Tehran", "Asia"), ("Iraq", "Baghdad", "Asia"),
        ("Nepal", "Kathmandu", "Asia"), ("Pakistan", "Islamabad", "Asia"), ("Mongolia", "Ulaanbaatar", "Asia"),
        ("Egypt", "Cairo", "Africa"), ("Kenya", "Nairobi", "Africa"), ("Nigeria", "Abuja", "Africa"),
        ("Ghana", "Accra", "Africa"), ("Ethiopia", "Addis Ababa", "Africa"), ("Morocco", "Rabat", "Africa"),
        ("Senegal", "Dakar", "Africa"), ("Uganda", "Kampala", "Africa"), ("Mali", "Bamako", "Africa"),
        ("Canada", "Ottawa", "North America"), ("Mexico", "Mexico City", "North America"), ("Cuba", "Havana", "North America"),
        ("Jamaica", "Kingston", "North America"), ("Panama", "Panama City", "North America"),
        ("Brazil", "Brasilia", "South America"), ("Argentina", "Buenos Aires", "South America"),
        ("Peru", "Lima", "South America"), ("Chile", "Santiago", "South America"), ("Colombia", "Bogota", "South America"),
        ("Venezuela", "Caracas", "South America"), ("Australia", "Canberra", "Oceania"), ("Fiji", "Suva", "Oceania"),
        ("New Zealand", "Wellington", "Oceania"),
    ];

    /// <summary>Chemical element and symbol.</summary>
    public static readonly IReadOnlyList<(string Element, string Symbol)> Elements =
    [
        ("hydrogen", "H"), ("helium", "He"), ("lithium", "Li"), ("carbon", "C"), ("nitrogen", "N"),
        ("oxygen", "O"), ("neon", "Ne"), ("sodium", "Na"), ("magnesium", "Mg"), ("aluminium", "Al"),
        ("silicon", "Si"), ("sulfur", "S"), ("chlorine", "Cl"), ("argon", "Ar"), ("potassium", "K"),
        ("calcium", "Ca"), ("iron", "Fe"), ("copper", "Cu"), ("zinc", "Zn"), ("silver", "Ag"),
        ("tin", "Sn"), ("gold", "Au"), ("mercury", "Hg"), ("lead", "Pb"), ("uranium", "U"),
    ];

    /// <summary>Animal and the name of its young.</summary>
    public static readonly IReadOnlyList<(string Animal, string Young)> Young =
    [
        ("cat", "kitten"), ("dog", "puppy"), ("cow", "calf"), ("horse", "foal"), ("sheep", "lamb"),
        ("goat", "kid"), ("pig", "piglet"), ("duck", "duckling"), ("goose", "gosling"), ("frog", "tadpole"),
        ("kangaroo", "joey"), ("bear", "cub"), ("lion", "cub"), ("deer", "fawn"), ("swan", "cygnet"),
        ("owl", "owlet"), ("hen", "chick"), ("eagle", "eaglet"),
    ];
}
