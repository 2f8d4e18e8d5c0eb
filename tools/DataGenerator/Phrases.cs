namespace DataGenerator;

/// <summary>
/// What the synthetic speakers say: short everyday phrases, about one second long when spoken, per language.
/// (Short because each clip is one second; everyday so that the rhythm is that of speech, not of a word list.)
/// </summary>
internal static class Phrases
{
    public static IReadOnlyDictionary<string, string[]> ByLanguage { get; } = new Dictionary<string, string[]>
    {
        ["en"] = ["good morning", "thank you very much", "see you later", "open the window", "the blue car", "where is the station",
                  "seven days", "nice weather today", "turn left here", "a cup of tea", "hello there", "time to go", "bring the paper",
                  "yes of course", "what is your name", "happy birthday"],
        ["de"] = ["guten Morgen", "vielen Dank", "bis später", "wie geht es dir", "das rote Haus", "sieben Tage", "schönes Wetter",
                  "ich komme gleich", "eine Tasse Kaffee", "links abbiegen", "wo ist der Bahnhof", "alles Gute"],
        ["fr"] = ["bonjour madame", "merci beaucoup", "à bientôt", "comment ça va", "la maison bleue", "sept jours", "il fait beau",
                  "une tasse de thé", "tournez à gauche", "où est la gare", "bonne nuit", "je reviens tout de suite"],
        ["es"] = ["buenos días", "muchas gracias", "hasta luego", "cómo estás", "la casa roja", "siete días", "hace buen tiempo",
                  "una taza de café", "gire a la izquierda", "dónde está la estación", "buenas noches", "vamos a la playa"],
        ["it"] = ["buongiorno", "grazie mille", "a più tardi", "come stai", "la casa verde", "sette giorni", "che bella giornata",
                  "un caffè per favore", "giri a sinistra", "dov'è la stazione", "buona notte", "andiamo al mare"],
        ["nl"] = ["goedemorgen", "dank je wel", "tot straks", "hoe gaat het", "het rode huis", "zeven dagen", "mooi weer vandaag",
                  "een kopje koffie", "sla linksaf", "waar is het station", "goede nacht", "we gaan fietsen"],
        ["pl"] = ["dzień dobry", "dziękuję bardzo", "do zobaczenia", "jak się masz", "czerwony dom", "siedem dni", "ładna pogoda",
                  "filiżanka kawy", "skręć w lewo", "gdzie jest dworzec", "dobranoc", "idziemy do parku"],
        ["pt"] = ["bom dia", "muito obrigado", "até logo", "como vai você", "a casa azul", "sete dias", "que dia bonito",
                  "um copo de água", "vire à esquerda", "onde fica a estação", "boa noite", "vamos à praia"],
        ["sv"] = ["god morgon", "tack så mycket", "vi ses senare", "hur mår du", "det röda huset", "sju dagar", "fint väder idag",
                  "en kopp kaffe", "sväng vänster", "var är stationen", "god natt", "vi går till stranden"],
    };

    /// <summary>espeak-ng voices and the language they speak (two accents of English, one voice for each other language).</summary>
    public static IReadOnlyList<(string Voice, string Language)> Voices { get; } =
    [
        ("en-us", "en"), ("en-gb", "en"), ("de", "de"), ("fr-fr", "fr"), ("es", "es"),
        ("it", "it"), ("nl", "nl"), ("pl", "pl"), ("pt-br", "pt"), ("sv", "sv"),
    ];

    /// <summary>espeak-ng's voice variants: +m1 … +m7 sound male, +f1 … +f5 female.</summary>
    public static IReadOnlyList<string> MaleVariants { get; } = ["m1", "m2", "m3", "m4", "m5", "m6", "m7"];

    public static IReadOnlyList<string> FemaleVariants { get; } = ["f1", "f2", "f3", "f4", "f5"];
}
