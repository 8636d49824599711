//! Maps the file's columns onto target fields: exact → synonyms (7 languages) → saved → fuzzy.
//! Fuzzy matches and content guesses under a header are suggestions: never applied silently.

use crate::dialect::looks_like_email;
use crate::error::{CsvError, Result};
use crate::fields::TargetField;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

/// How a mapping was found; the UI shows it per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvConfidence")]
pub enum Confidence {
    /// The header is the field's own label (English or Traditional Chinese template).
    Exact,
    /// A known synonym in one of the supported languages.
    Synonym,
    /// The admin mapped this set of headers this way before.
    Saved,
    /// No header row: the column's values look like emails.
    Content,
    /// Set by the admin in this session.
    Manual,
}

/// A proposal the admin must accept; it is not used until then.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvSuggestion")]
pub struct Suggestion {
    pub column: u32,
    pub header: Option<String>,
    /// 0–100.
    pub score: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvFieldMapping")]
pub struct FieldMapping {
    pub field: TargetField,
    pub column: Option<u32>,
    pub header: Option<String>,
    pub confidence: Option<Confidence>,
    pub suggestion: Option<Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvMapping")]
pub struct Mapping {
    pub fields: Vec<FieldMapping>,
    /// Every header matched a field exactly and Email is mapped: the mapping screen can be skipped.
    pub skippable: bool,
    /// Identifies this set of headers for saved mappings.
    pub header_key: String,
}

impl Mapping {
    /// Applied columns, indexed by `TargetField::index()`.
    pub fn columns(&self) -> [Option<usize>; 7] {
        let mut out = [None; 7];
        for f in &self.fields {
            out[f.field.index()] = f.column.map(|c| c as usize);
        }
        out
    }

    pub fn column(&self, field: TargetField) -> Option<usize> {
        self.columns()[field.index()]
    }
}

/// Lower-case, NFKC, without spaces and punctuation: "E-Mail Address" → "emailaddress".
pub fn normalize_header(h: &str) -> String {
    h.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

const EXACT: [(TargetField, &[&str]); 7] = [
    (TargetField::Email, &["Email", "電子郵件"]),
    (TargetField::FirstName, &["First Name", "名字"]),
    (TargetField::LastName, &["Last Name", "姓氏"]),
    (TargetField::FullName, &["Full Name", "姓名"]),
    (TargetField::Teams, &["Team(s)", "Teams", "Team", "團隊"]),
    (TargetField::Role, &["Role", "角色"]),
    (
        TargetField::Workspace,
        &["Marketo Workspace", "Workspace", "Marketo 工作區", "工作區"],
    ),
];

const SYNONYMS: [(TargetField, &[&str]); 7] = [
    (
        TargetField::Email,
        &[
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "mail",
            "work email",
            "business email",
            "primary email",
            "user email",
            "email id",
            "login email",
            "電子郵件",
            "電子郵件地址",
            "電郵",
            "電郵地址",
            "郵件",
            "信箱",
            "電子信箱",
            "郵件地址",
            "邮箱",
            "电子邮件",
            "电子邮箱",
            "邮件地址",
            "电子邮件地址",
            "邮件",
            "メール",
            "メールアドレス",
            "eメール",
            "eメールアドレス",
            "電子メール",
            "電子メールアドレス",
            "e-mail-adresse",
            "mailadresse",
            "emailadresse",
            "courriel",
            "adresse e-mail",
            "adresse électronique",
            "adresse mail",
            "mél",
            "correo electrónico",
            "correo",
            "correo electronico",
            "dirección de correo",
            "email corporativo",
            "이메일",
            "이메일 주소",
            "전자우편",
        ],
    ),
    (
        TargetField::FirstName,
        &[
            "first name",
            "firstname",
            "given name",
            "forename",
            "first",
            "fname",
            "名字",
            "名",
            "英文名",
            "名字(英文)",
            "名前(名)",
            "下の名前",
            "ファーストネーム",
            "vorname",
            "prénom",
            "prenom",
            "nombre",
            "nombre de pila",
            "이름(名)",
        ],
    ),
    (
        TargetField::LastName,
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "last",
            "lname",
            "姓",
            "姓氏",
            "英文姓",
            "苗字",
            "名前(姓)",
            "ラストネーム",
            "nachname",
            "familienname",
            "nom",
            "nom de famille",
            "apellido",
            "apellidos",
            "성",
        ],
    ),
    (
        TargetField::FullName,
        &[
            "full name",
            "name",
            "display name",
            "user name",
            "contact name",
            "employee name",
            "姓名",
            "全名",
            "中文姓名",
            "名稱",
            "员工姓名",
            "員工姓名",
            "名前",
            "氏名",
            "お名前",
            "vollständiger name",
            "nom complet",
            "nombre completo",
            "이름",
            "성명",
        ],
    ),
    (
        TargetField::Teams,
        &[
            "team",
            "teams",
            "team(s)",
            "team name",
            "group",
            "groups",
            "sales team",
            "團隊",
            "小組",
            "團隊名稱",
            "团队",
            "小组",
            "团队名称",
            "チーム",
            "グループ",
            "チーム名",
            "gruppe",
            "équipe",
            "équipes",
            "equipe",
            "equipo",
            "equipos",
            "팀",
        ],
    ),
    (
        TargetField::Role,
        &[
            "role",
            "user role",
            "access level",
            "permission",
            "permissions",
            "角色",
            "權限",
            "身分",
            "身份",
            "权限",
            "用户角色",
            "使用者角色",
            "ロール",
            "役割",
            "権限",
            "rolle",
            "berechtigung",
            "rôle",
            "rol",
            "역할",
            "권한",
        ],
    ),
    (
        TargetField::Workspace,
        &[
            "workspace",
            "marketo workspace",
            "work space",
            "工作區",
            "工作区",
            "marketo 工作區",
            "marketo 工作区",
            "ワークスペース",
            "arbeitsbereich",
            "espace de travail",
            "espacio de trabajo",
        ],
    ),
];

fn synonym_index() -> &'static HashMap<String, TargetField> {
    static INDEX: OnceLock<HashMap<String, TargetField>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::new();
        for (field, words) in SYNONYMS.iter().chain(EXACT.iter()) {
            for w in *words {
                m.entry(normalize_header(w)).or_insert(*field);
            }
        }
        m
    })
}

fn exact_field(header: &str) -> Option<TargetField> {
    let h = header.trim();
    EXACT
        .iter()
        .find(|(_, labels)| labels.iter().any(|l| l.eq_ignore_ascii_case(h)))
        .map(|(f, _)| *f)
}

pub fn synonym_field(header: &str) -> Option<TargetField> {
    let n = normalize_header(header);
    (!n.is_empty())
        .then(|| synonym_index().get(&n).copied())
        .flatten()
}

/// Best fuzzy field for a header, with a 0–100 score, when it is close enough to say so.
fn fuzzy_field(header: &str) -> Option<(TargetField, u32)> {
    let n = normalize_header(header);
    if n.chars().count() < 3 {
        return None;
    }
    let mut best: Option<(TargetField, f64)> = None;
    for (word, field) in synonym_index() {
        if word.chars().count() < 3 {
            continue;
        }
        let s =
            strsim::jaro_winkler(&n, word).max(if n.contains(word.as_str()) { 0.9 } else { 0.0 });
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((*field, s));
        }
    }
    best.filter(|&(_, s)| s >= 0.85)
        .map(|(f, s)| (f, (s * 100.0).round() as u32))
}

/// Key of a set of headers: order-independent, so a re-ordered export still finds its mapping.
pub fn header_key(headers: &[String]) -> String {
    let mut n: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    n.sort_unstable();
    n.join("\u{1F}")
}

/// Mappings the admin confirmed before, keyed by `header_key`; values are header names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedMappings {
    pub entries: BTreeMap<String, BTreeMap<TargetField, String>>,
}

impl SavedMappings {
    /// A missing file is an empty store; a corrupt one is an error the app can show.
    pub fn load(path: &Path) -> Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                CsvError::MappingStore(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(CsvError::MappingStore(e)),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| CsvError::MappingStore(std::io::Error::other(e)))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, json).map_err(CsvError::MappingStore)?;
        std::fs::rename(&tmp, path).map_err(CsvError::MappingStore)
    }

    /// Remembers the applied columns of `mapping` by header name.
    pub fn remember(&mut self, headers: &[String], mapping: &Mapping) {
        let mut m = BTreeMap::new();
        for f in &mapping.fields {
            if let Some(h) = f.column.and_then(|c| headers.get(c as usize)) {
                m.insert(f.field, h.clone());
            }
        }
        self.entries.insert(header_key(headers), m);
    }
}

/// Proposes a mapping. `headers` is None when the file has no header row; `sample` is the first rows.
pub fn auto_map(
    headers: Option<&[String]>,
    sample: &[Vec<&str>],
    columns: usize,
    saved: &SavedMappings,
) -> Mapping {
    let mut fields: Vec<FieldMapping> = TargetField::ALL
        .iter()
        .map(|&field| FieldMapping {
            field,
            column: None,
            header: None,
            confidence: None,
            suggestion: None,
        })
        .collect();
    let mut used = vec![false; columns];
    let header_of = |c: usize| headers.and_then(|h| h.get(c)).cloned();
    let mut all_exact = headers.is_some_and(|h| !h.is_empty());
    let key = headers.map(header_key).unwrap_or_default();

    if let Some(hs) = headers {
        let mut assign =
            |fields: &mut Vec<FieldMapping>, c: usize, f: TargetField, conf: Confidence| {
                let fm = &mut fields[f.index()];
                if fm.column.is_none() && !used[c] {
                    fm.column = Some(c as u32);
                    fm.header = Some(hs[c].clone());
                    fm.confidence = Some(conf);
                    used[c] = true;
                }
            };
        for (c, h) in hs.iter().enumerate() {
            match exact_field(h) {
                Some(f) => assign(&mut fields, c, f, Confidence::Exact),
                None => all_exact &= h.trim().is_empty(),
            }
        }
        for (c, h) in hs.iter().enumerate() {
            if let Some(f) = synonym_field(h) {
                assign(&mut fields, c, f, Confidence::Synonym);
            }
        }
        if let Some(saved) = saved.entries.get(&key) {
            for (f, name) in saved {
                if let Some(c) = hs.iter().position(|h| h == name) {
                    assign(&mut fields, c, *f, Confidence::Saved);
                }
            }
        }
        for (c, h) in hs.iter().enumerate() {
            if used[c] {
                continue;
            }
            if let Some((f, score)) = fuzzy_field(h) {
                let fm = &mut fields[f.index()];
                if fm.column.is_none() && fm.suggestion.as_ref().is_none_or(|s| s.score < score) {
                    fm.suggestion = Some(Suggestion {
                        column: c as u32,
                        header: Some(h.clone()),
                        score,
                    });
                }
            }
        }
    }

    // The values themselves: an email column is unmistakable even without (or under a strange) header.
    let email_found = match fields[TargetField::Email.index()].column {
        None => email_column(sample, columns, &used),
        Some(_) => None,
    };
    if let Some((c, score)) = email_found {
        let fm = &mut fields[TargetField::Email.index()];
        if headers.is_none() {
            fm.column = Some(c as u32);
            fm.confidence = Some(Confidence::Content);
            used[c] = true;
        } else if fm.suggestion.is_none() {
            fm.suggestion = Some(Suggestion {
                column: c as u32,
                header: header_of(c),
                score,
            });
        }
    }
    if headers.is_none() {
        suggest_names(&mut fields, sample, columns, &used);
    }
    let skippable =
        all_exact && fields[TargetField::Email.index()].confidence == Some(Confidence::Exact);
    Mapping {
        fields,
        skippable,
        header_key: key,
    }
}

fn email_column(sample: &[Vec<&str>], columns: usize, used: &[bool]) -> Option<(usize, u32)> {
    (0..columns)
        .filter(|&c| !used[c])
        .filter_map(|c| {
            let vals: Vec<&str> = sample
                .iter()
                .filter_map(|r| r.get(c).copied())
                .filter(|v| !v.trim().is_empty())
                .collect();
            let hits = vals.iter().filter(|v| looks_like_email(v)).count();
            (!vals.is_empty() && hits * 2 >= vals.len())
                .then(|| (c, (hits * 100 / vals.len()) as u32))
        })
        .max_by_key(|&(_, s)| s)
}

/// Without headers, the text columns beside the email are probably names: suggest, don't apply.
fn suggest_names(fields: &mut [FieldMapping], sample: &[Vec<&str>], columns: usize, used: &[bool]) {
    let texty: Vec<usize> = (0..columns)
        .filter(|&c| !used[c])
        .filter(|&c| {
            let vals: Vec<&str> = sample
                .iter()
                .filter_map(|r| r.get(c).copied())
                .filter(|v| !v.trim().is_empty())
                .collect();
            !vals.is_empty()
                && vals
                    .iter()
                    .all(|v| v.chars().any(char::is_alphabetic) && !v.contains('@'))
        })
        .collect();
    let mut put = |f: TargetField, c: usize| {
        fields[f.index()].suggestion = Some(Suggestion {
            column: c as u32,
            header: None,
            score: 50,
        });
    };
    match texty.as_slice() {
        [one] => put(TargetField::FullName, *one),
        [a, b, ..] => {
            put(TargetField::FirstName, *a);
            put(TargetField::LastName, *b);
        }
        [] => {}
    }
}

/// Applies an admin's choice: field → column (None unmaps). Confidence becomes Manual where it changed.
pub fn apply_manual(
    current: &Mapping,
    headers: Option<&[String]>,
    columns: usize,
    choice: &BTreeMap<TargetField, Option<u32>>,
) -> Result<Mapping> {
    let mut m = current.clone();
    for (field, col) in choice {
        if col.is_some_and(|c| c as usize >= columns) {
            return Err(CsvError::BadMapping);
        }
        let fm = &mut m.fields[field.index()];
        if fm.column != *col {
            fm.column = *col;
            fm.confidence = col.map(|_| Confidence::Manual);
            fm.header = col.and_then(|c| headers.and_then(|h| h.get(c as usize)).cloned());
        }
        fm.suggestion = None;
    }
    let mut seen = vec![false; columns];
    for f in &m.fields {
        if let Some(c) = f.column
            && std::mem::replace(&mut seen[c as usize], true)
        {
            return Err(CsvError::BadMapping);
        }
    }
    m.skippable = false;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn exact_headers_skip_the_mapping_step() {
        let h = hs(&["Email", "First Name", "Last Name"]);
        let m = auto_map(Some(&h), &[], 3, &SavedMappings::default());
        assert!(m.skippable);
        assert_eq!(m.column(TargetField::LastName), Some(2));
        assert_eq!(m.fields[0].confidence, Some(Confidence::Exact));
    }

    #[test]
    fn synonyms_in_many_languages() {
        for (h, f) in [
            ("電子郵件", TargetField::Email),
            ("邮箱", TargetField::Email),
            ("メールアドレス", TargetField::Email),
            ("E-Mail", TargetField::Email),
            ("Courriel", TargetField::Email),
            ("Correo electrónico", TargetField::Email),
            ("Ｅｍａｉｌ Address", TargetField::Email),
            ("Vorname", TargetField::FirstName),
            ("Nachname", TargetField::LastName),
            ("氏名", TargetField::FullName),
            ("团队", TargetField::Teams),
            ("Rôle", TargetField::Role),
        ] {
            assert_eq!(synonym_field(h), Some(f), "{h}");
        }
        let h = hs(&["E-Mail", "Vorname", "Nachname"]);
        let m = auto_map(Some(&h), &[], 3, &SavedMappings::default());
        assert!(!m.skippable);
        assert_eq!(m.fields[0].confidence, Some(Confidence::Synonym));
    }

    #[test]
    fn fuzzy_is_only_a_suggestion_and_saved_applies() {
        let h = hs(&["Emial Adress", "Abteilung X"]);
        let m = auto_map(Some(&h), &[], 2, &SavedMappings::default());
        assert_eq!(m.column(TargetField::Email), None);
        assert_eq!(m.fields[0].suggestion.as_ref().map(|s| s.column), Some(0));

        let chosen = BTreeMap::from([(TargetField::Email, Some(0)), (TargetField::Teams, Some(1))]);
        let manual = apply_manual(&m, Some(&h), 2, &chosen).unwrap();
        let mut saved = SavedMappings::default();
        saved.remember(&h, &manual);
        let reordered = hs(&["Abteilung X", "Emial Adress"]);
        let again = auto_map(Some(&reordered), &[], 2, &saved);
        assert_eq!(again.column(TargetField::Email), Some(1));
        assert_eq!(again.fields[0].confidence, Some(Confidence::Saved));
        assert_eq!(again.column(TargetField::Teams), Some(0));
    }

    #[test]
    fn headerless_maps_email_by_content() {
        let rows = vec![
            vec!["Jane", "Doe", "jane@x.com"],
            vec!["Li", "Wei", "li@x.com"],
        ];
        let m = auto_map(None, &rows, 3, &SavedMappings::default());
        assert_eq!(m.column(TargetField::Email), Some(2));
        assert_eq!(m.fields[0].confidence, Some(Confidence::Content));
        assert_eq!(m.column(TargetField::FirstName), None);
        assert_eq!(m.fields[1].suggestion.as_ref().map(|s| s.column), Some(0));
    }

    #[test]
    fn manual_rejects_bad_columns() {
        let m = auto_map(None, &[], 2, &SavedMappings::default());
        assert!(
            apply_manual(
                &m,
                None,
                2,
                &BTreeMap::from([(TargetField::Email, Some(5))])
            )
            .is_err()
        );
        let both = BTreeMap::from([(TargetField::Email, Some(0)), (TargetField::Role, Some(0))]);
        assert!(apply_manual(&m, None, 2, &both).is_err());
    }

    #[test]
    fn saved_store_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.json");
        assert_eq!(SavedMappings::load(&p).unwrap(), SavedMappings::default());
        let mut s = SavedMappings::default();
        s.entries.insert(
            "k".into(),
            BTreeMap::from([(TargetField::Email, "Mail".to_string())]),
        );
        s.save(&p).unwrap();
        assert_eq!(SavedMappings::load(&p).unwrap(), s);
        std::fs::write(&p, b"{").unwrap();
        assert_eq!(
            SavedMappings::load(&p).unwrap_err().code(),
            "mapping_store_error"
        );
    }
}
