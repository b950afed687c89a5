namespace Engine.Core.Containers;

/// <summary>Random container names in Docker's "adjective_surname" form.</summary>
internal static class NameGenerator
{
    private static readonly string[] Left =
    [
        "admiring", "agitated", "amazing", "angry", "awesome", "blissful", "bold", "boring", "brave", "clever",
        "cool", "compassionate", "condescending", "cranky", "dazzling", "determined", "distracted", "dreamy",
        "eager", "ecstatic", "elastic", "elated", "elegant", "epic", "fervent", "festive", "flamboyant",
        "focused", "friendly", "frosty", "gallant", "gifted", "goofy", "gracious", "happy", "hardcore",
        "hopeful", "hungry", "infallible", "inspiring", "jolly", "jovial", "keen", "kind", "laughing",
        "loving", "lucid", "magical", "modest", "musing", "mystifying", "naughty", "nervous", "nifty",
        "nostalgic", "objective", "optimistic", "peaceful", "pedantic", "pensive", "practical", "priceless",
        "quirky", "quizzical", "relaxed", "reverent", "romantic", "sad", "serene", "sharp", "silly",
        "sleepy", "stoic", "strange", "stupefied", "suspicious", "sweet", "tender", "thirsty", "trusting",
        "upbeat", "vibrant", "vigilant", "vigorous", "wizardly", "wonderful", "xenodochial", "youthful",
        "zealous", "zen",
    ];

    private static readonly string[] Right =
    [
        "albattani", "allen", "almeida", "archimedes", "ardinghelli", "aryabhata", "austin", "babbage",
        "banach", "bardeen", "bartik", "bassi", "bell", "bhabha", "bhaskara", "blackwell", "bohr", "booth",
        "borg", "bose", "boyd", "brahmagupta", "brattain", "brown", "carson", "chandrasekhar", "colden",
        "cori", "cray", "curie", "darwin", "davinci", "dijkstra", "dubinsky", "easley", "einstein", "elion",
        "engelbart", "euclid", "euler", "fermat", "fermi", "feynman", "franklin", "galileo", "gates",
        "goldberg", "goldstine", "goldwasser", "golick", "goodall", "hamilton", "hawking", "heisenberg",
        "hermann", "hodgkin", "hoover", "hopper", "hugle", "hypatia", "jang", "jennings", "jepsen", "joliot",
        "jones", "kalam", "kare", "keller", "khorana", "kilby", "kirch", "knuth", "kowalevski", "lalande",
        "lamarr", "lamport", "leakey", "leavitt", "lewin", "lichterman", "liskov", "lovelace", "lumiere",
        "mahavira", "mayer", "mccarthy", "mcclintock", "mclean", "mcnulty", "meitner", "meninsky", "mestorf",
        "minsky", "mirzakhani", "morse", "murdock", "newton", "nightingale", "nobel", "noether", "northcutt",
        "noyce", "panini", "pare", "pasteur", "payne", "perlman", "pike", "poincare", "poitras", "ptolemy",
        "raman", "ramanujan", "ride", "ritchie", "roentgen", "rosalind", "saha", "sammet", "shaw", "shirley",
        "shockley", "sinoussi", "snyder", "spence", "stallman", "stonebraker", "swanson", "swartz", "swirles",
        "tesla", "thompson", "torvalds", "turing", "varahamihira", "visvesvaraya", "volhard", "wescoff",
        "williams", "wilson", "wing", "wozniak", "wright", "yalow", "yonath",
    ];

    public static string Generate(Func<string, bool> inUse)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = $"{Left[Random.Shared.Next(Left.Length)]}_{Right[Random.Shared.Next(Right.Length)]}";
            if (attempt > 10)
            {
                name += Random.Shared.Next(10);
            }
            if (!inUse(name))
            {
                return name;
            }
        }
    }
}
