//! Name, company and title pools for the deterministic seed data of both stand-ins.
//! A share of the names are Taiwanese, Chinese and Japanese, as in the product's main market.

/// (given name as displayed, family name as displayed, romanized given, romanized family)
pub(crate) const PEOPLE: &[(&str, &str, &str, &str)] = &[
    ("Emma", "Johnson", "emma", "johnson"),
    ("Liam", "Smith", "liam", "smith"),
    ("Olivia", "Brown", "olivia", "brown"),
    ("Noah", "Garcia", "noah", "garcia"),
    ("Ava", "Miller", "ava", "miller"),
    ("Lucas", "Martin", "lucas", "martin"),
    ("Sophie", "Dubois", "sophie", "dubois"),
    ("Mateo", "Rossi", "mateo", "rossi"),
    ("Hannah", "Schmidt", "hannah", "schmidt"),
    ("Ethan", "Wilson", "ethan", "wilson"),
    ("Chloe", "Taylor", "chloe", "taylor"),
    ("Daniel", "Anderson", "daniel", "anderson"),
    ("Grace", "Thomas", "grace", "thomas"),
    ("Samuel", "Moore", "samuel", "moore"),
    ("Zoe", "Clark", "zoe", "clark"),
    ("Yi-Chun", "Chen", "yichun", "chen"),
    ("Chih-Ming", "Lin", "chihming", "lin"),
    ("Shu-Fen", "Huang", "shufen", "huang"),
    ("Wei-Ting", "Chang", "weiting", "chang"),
    ("Chia-Hao", "Tsai", "chiahao", "tsai"),
    ("Hsin-Yi", "Wu", "hsinyi", "wu"),
    ("Po-Han", "Liu", "pohan", "liu"),
    ("怡君", "陳", "yijun", "chen"),
    ("志明", "林", "zhiming", "lin"),
    ("淑芬", "黃", "shufen", "huang"),
    ("家豪", "張", "jiahao", "zhang"),
    ("雅婷", "王", "yating", "wang"),
    ("俊傑", "李", "junjie", "li"),
    ("美玲", "吳", "meiling", "wu"),
    ("伟", "刘", "wei", "liu"),
    ("芳", "杨", "fang", "yang"),
    ("太郎", "山田", "taro", "yamada"),
    ("花子", "佐藤", "hanako", "sato"),
    ("健", "鈴木", "ken", "suzuki"),
    ("Min-jun", "Kim", "minjun", "kim"),
    ("Seo-yeon", "Park", "seoyeon", "park"),
    ("Priya", "Sharma", "priya", "sharma"),
    ("Arjun", "Patel", "arjun", "patel"),
    ("Fatima", "Khan", "fatima", "khan"),
    ("Lars", "Nielsen", "lars", "nielsen"),
];

/// (company, email domain)
pub(crate) const COMPANIES: &[(&str, &str)] = &[
    ("Northwind Traders", "northwind.example"),
    ("Contoso Ltd", "contoso.example"),
    ("Fabrikam Inc", "fabrikam.example"),
    ("Tailspin Toys", "tailspin.example"),
    ("Wide World Importers", "wideworld.example"),
    ("Adventure Works", "adventure-works.example"),
    ("Litware Inc", "litware.example"),
    ("台灣精密機械股份有限公司", "twprecision.example"),
    ("新竹半導體", "hsinchu-semi.example"),
    ("上海云端科技", "shcloud.example"),
    ("株式会社さくら商事", "sakura-trading.example"),
    ("Proseware Inc", "proseware.example"),
    ("Alpine Ski House", "alpineski.example"),
    ("Blue Yonder Airlines", "blueyonder.example"),
    ("Coho Winery", "cohowinery.example"),
    ("Fourth Coffee", "fourthcoffee.example"),
];

pub(crate) const TITLES: &[&str] = &[
    "VP Sales",
    "Sales Director",
    "Account Executive",
    "Marketing Manager",
    "CTO",
    "IT Manager",
    "Procurement Lead",
    "業務經理",
    "行銷總監",
    "営業部長",
    "Head of Operations",
    "Software Engineer",
];

pub(crate) const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Trade Show",
    "Partner Referral",
    "Webinar",
    "Purchased List",
    "Employee Referral",
];

pub(crate) const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Marketing",
    "Customer Success",
    "Operations",
    "業務部",
];
