//! Just enough SOQL for the app's queries: SELECT fields (dotted relationships) FROM object
//! [WHERE comparisons joined by AND] [ORDER BY] [LIMIT] [OFFSET], plus SELECT COUNT().

use serde_json::{Map, Value};
use std::cmp::Ordering;

/// A SOQL failure as Salesforce names it (`MALFORMED_QUERY`, `INVALID_FIELD`, `INVALID_TYPE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoqlError {
    pub code: &'static str,
    pub message: String,
}

fn malformed(msg: impl Into<String>) -> SoqlError {
    SoqlError {
        code: "MALFORMED_QUERY",
        message: msg.into(),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Bool(bool),
    Num(f64),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Cmp {
        field: String,
        op: Op,
        value: Lit,
    },
    In {
        field: String,
        values: Vec<Lit>,
        negate: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Field paths as written; empty with `count` set for `SELECT COUNT()`.
    pub fields: Vec<String>,
    pub count: bool,
    pub object: String,
    pub conditions: Vec<Cond>,
    pub order_by: Option<(String, bool)>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Comma,
    LParen,
    RParen,
    Op(String),
}

fn tokenize(q: &str) -> Result<Vec<Tok>, SoqlError> {
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            let mut closed = false;
            while i < chars.len() {
                match chars[i] {
                    '\\' if i + 1 < chars.len() => {
                        s.push(chars[i + 1]);
                        i += 2;
                    }
                    '\'' => {
                        closed = true;
                        i += 1;
                        break;
                    }
                    ch => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            if !closed {
                return Err(malformed(
                    "unexpected end of query: unterminated string literal",
                ));
            }
            out.push(Tok::Str(s));
        } else if matches!(c, '=' | '!' | '<' | '>') {
            let mut op = c.to_string();
            if i + 1 < chars.len() && matches!(chars[i + 1], '=' | '>') && c != '=' {
                op.push(chars[i + 1]);
                i += 1;
            }
            i += 1;
            if op == "!" {
                return Err(malformed("unexpected token: '!'"));
            }
            out.push(Tok::Op(op));
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = text
                .parse::<f64>()
                .map_err(|_| malformed(format!("unexpected token: '{text}'")))?;
            out.push(Tok::Num(n));
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            return Err(malformed(format!("unexpected token: '{c}'")));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn keyword(&mut self, kw: &str) -> bool {
        if let Some(Tok::Ident(s)) = self.peek()
            && s.eq_ignore_ascii_case(kw)
        {
            self.pos += 1;
            return true;
        }
        false
    }

    fn expect_keyword(&mut self, kw: &str) -> Result<(), SoqlError> {
        if self.keyword(kw) {
            Ok(())
        } else {
            Err(malformed(format!(
                "expecting '{kw}', found '{}'",
                self.describe()
            )))
        }
    }

    fn ident(&mut self) -> Result<String, SoqlError> {
        match self.next() {
            Some(Tok::Ident(s)) => Ok(s),
            _ => {
                self.pos = self.pos.saturating_sub(1);
                Err(malformed(format!(
                    "unexpected token: '{}'",
                    self.describe()
                )))
            }
        }
    }

    fn usize(&mut self) -> Result<usize, SoqlError> {
        match self.next() {
            Some(Tok::Num(n)) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
            _ => Err(malformed("expecting a non-negative integer")),
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "EOF".into(),
            Some(Tok::Ident(s)) => s.clone(),
            Some(Tok::Str(s)) => format!("'{s}'"),
            Some(Tok::Num(n)) => n.to_string(),
            Some(Tok::Comma) => ",".into(),
            Some(Tok::LParen) => "(".into(),
            Some(Tok::RParen) => ")".into(),
            Some(Tok::Op(o)) => o.clone(),
        }
    }

    fn literal(&mut self) -> Result<Lit, SoqlError> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Lit::Str(s)),
            Some(Tok::Num(n)) => Ok(Lit::Num(n)),
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("true") => Ok(Lit::Bool(true)),
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("false") => Ok(Lit::Bool(false)),
            Some(Tok::Ident(s)) if s.eq_ignore_ascii_case("null") => Ok(Lit::Null),
            _ => {
                self.pos = self.pos.saturating_sub(1);
                Err(malformed(format!(
                    "unexpected token: '{}'",
                    self.describe()
                )))
            }
        }
    }

    fn condition(&mut self) -> Result<Cond, SoqlError> {
        let field = self.ident()?;
        if self.keyword("NOT") {
            self.expect_keyword("IN")?;
            return Ok(Cond::In {
                field,
                values: self.in_list()?,
                negate: true,
            });
        }
        if self.keyword("IN") {
            return Ok(Cond::In {
                field,
                values: self.in_list()?,
                negate: false,
            });
        }
        if self.keyword("LIKE") {
            return Ok(Cond::Cmp {
                field,
                op: Op::Like,
                value: self.literal()?,
            });
        }
        let op = match self.next() {
            Some(Tok::Op(o)) => match o.as_str() {
                "=" => Op::Eq,
                "!=" | "<>" => Op::Ne,
                "<" => Op::Lt,
                "<=" => Op::Le,
                ">" => Op::Gt,
                ">=" => Op::Ge,
                _ => return Err(malformed(format!("unexpected token: '{o}'"))),
            },
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(malformed(format!(
                    "unexpected token: '{}'",
                    self.describe()
                )));
            }
        };
        Ok(Cond::Cmp {
            field,
            op,
            value: self.literal()?,
        })
    }

    fn in_list(&mut self) -> Result<Vec<Lit>, SoqlError> {
        if self.next() != Some(Tok::LParen) {
            return Err(malformed("expecting '(' after IN"));
        }
        let mut values = vec![self.literal()?];
        loop {
            match self.next() {
                Some(Tok::Comma) => values.push(self.literal()?),
                Some(Tok::RParen) => return Ok(values),
                _ => return Err(malformed("expecting ',' or ')' in IN list")),
            }
        }
    }
}

/// Parses a SOQL statement of the supported shape.
pub fn parse(q: &str) -> Result<Query, SoqlError> {
    let mut p = Parser {
        toks: tokenize(q)?,
        pos: 0,
    };
    p.expect_keyword("SELECT")?;
    let mut fields = Vec::new();
    let mut count = false;
    if let (Some(Tok::Ident(s)), Some(Tok::LParen), Some(Tok::RParen)) =
        (p.peek(), p.toks.get(p.pos + 1), p.toks.get(p.pos + 2))
        && s.eq_ignore_ascii_case("COUNT")
    {
        p.pos += 3;
        count = true;
    } else {
        loop {
            fields.push(p.ident()?);
            if p.peek() == Some(&Tok::Comma) {
                p.pos += 1;
            } else {
                break;
            }
        }
    }
    p.expect_keyword("FROM")?;
    let object = p.ident()?;
    let mut conditions = Vec::new();
    if p.keyword("WHERE") {
        conditions.push(p.condition()?);
        while p.keyword("AND") {
            conditions.push(p.condition()?);
        }
        if let Some(Tok::Ident(s)) = p.peek()
            && s.eq_ignore_ascii_case("OR")
        {
            return Err(malformed(
                "OR is not supported by the sandbox; combine conditions with AND",
            ));
        }
    }
    let mut order_by = None;
    if p.keyword("ORDER") {
        p.expect_keyword("BY")?;
        let f = p.ident()?;
        let asc = if p.keyword("DESC") {
            false
        } else {
            p.keyword("ASC");
            true
        };
        if p.keyword("NULLS") && !(p.keyword("FIRST") || p.keyword("LAST")) {
            return Err(malformed("expecting FIRST or LAST after NULLS"));
        }
        order_by = Some((f, asc));
    }
    let limit = if p.keyword("LIMIT") {
        Some(p.usize()?)
    } else {
        None
    };
    let offset = if p.keyword("OFFSET") {
        Some(p.usize()?)
    } else {
        None
    };
    if p.peek().is_some() {
        return Err(malformed(format!("unexpected token: '{}'", p.describe())));
    }
    Ok(Query {
        fields,
        count,
        object,
        conditions,
        order_by,
        limit,
        offset,
    })
}

/// The queryable shape of one object: its name, its field paths, and the type of each relationship.
pub struct Schema {
    pub object: &'static str,
    pub fields: &'static [&'static str],
    pub relationships: &'static [(&'static str, &'static str)],
}

impl Schema {
    fn canonical(&self, path: &str) -> Result<&'static str, SoqlError> {
        self.fields
            .iter()
            .find(|f| f.eq_ignore_ascii_case(path))
            .copied()
            .ok_or_else(|| SoqlError {
                code: "INVALID_FIELD",
                message: format!(
                    "No such column '{path}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
                    self.object
                ),
            })
    }
}

fn lookup<'a>(record: &'a Value, path: &str) -> &'a Value {
    let mut cur = record;
    for part in path.split('.') {
        match cur.get(part) {
            Some(v) => cur = v,
            None => return &Value::Null,
        }
    }
    cur
}

fn like(pattern: &str, text: &str) -> bool {
    // SOQL LIKE is case-insensitive; % is any run, _ one character.
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '%' {
        pi += 1;
    }
    pi == p.len()
}

fn compare(v: &Value, lit: &Lit) -> Option<Ordering> {
    match (v, lit) {
        (Value::Null, Lit::Null) => Some(Ordering::Equal),
        (Value::Null, _) | (_, Lit::Null) => None,
        // Text comparison in SOQL ignores case.
        (Value::String(s), Lit::Str(l)) => Some(s.to_lowercase().cmp(&l.to_lowercase())),
        (Value::Bool(b), Lit::Bool(l)) => Some(b.cmp(l)),
        (Value::Number(n), Lit::Num(l)) => n.as_f64().and_then(|f| f.partial_cmp(l)),
        _ => None,
    }
}

fn holds(record: &Value, cond: &Cond) -> bool {
    match cond {
        Cond::Cmp { field, op, value } => {
            let v = lookup(record, field);
            match op {
                Op::Like => match (v, value) {
                    (Value::String(s), Lit::Str(p)) => like(p, s),
                    _ => false,
                },
                Op::Eq => compare(v, value) == Some(Ordering::Equal),
                Op::Ne => compare(v, value) != Some(Ordering::Equal),
                Op::Lt => compare(v, value) == Some(Ordering::Less),
                Op::Le => matches!(compare(v, value), Some(Ordering::Less | Ordering::Equal)),
                Op::Gt => compare(v, value) == Some(Ordering::Greater),
                Op::Ge => matches!(compare(v, value), Some(Ordering::Greater | Ordering::Equal)),
            }
        }
        Cond::In {
            field,
            values,
            negate,
        } => {
            let v = lookup(record, field);
            let found = values
                .iter()
                .any(|l| compare(v, l) == Some(Ordering::Equal));
            found != *negate
        }
    }
}

fn order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        // Salesforce sorts nulls first in ascending order by default.
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        _ => Ordering::Equal,
    }
}

/// Result of running a query: total matches (before LIMIT paging) and the projected records.
pub struct Rows {
    pub total: usize,
    pub records: Vec<Value>,
}

/// Runs `q` over `table` (records with canonical field names); `url_base` is
/// `/services/data/v62.0/sobjects` or its tooling twin, for each record's `attributes.url`.
pub fn execute(
    q: &Query,
    schema: &Schema,
    table: &[Value],
    url_base: &str,
) -> Result<Rows, SoqlError> {
    let fields: Vec<&'static str> = q
        .fields
        .iter()
        .map(|f| schema.canonical(f))
        .collect::<Result<_, _>>()?;
    let conds: Vec<Cond> = q
        .conditions
        .iter()
        .map(|c| {
            Ok(match c {
                Cond::Cmp { field, op, value } => Cond::Cmp {
                    field: schema.canonical(field)?.to_string(),
                    op: op.clone(),
                    value: value.clone(),
                },
                Cond::In {
                    field,
                    values,
                    negate,
                } => Cond::In {
                    field: schema.canonical(field)?.to_string(),
                    values: values.clone(),
                    negate: *negate,
                },
            })
        })
        .collect::<Result<_, SoqlError>>()?;
    let mut matched: Vec<&Value> = table
        .iter()
        .filter(|r| conds.iter().all(|c| holds(r, c)))
        .collect();
    if let Some((f, asc)) = &q.order_by {
        let f = schema.canonical(f)?;
        matched.sort_by(|a, b| {
            let o = order(lookup(a, f), lookup(b, f));
            if *asc { o } else { o.reverse() }
        });
    }
    let skip = q.offset.unwrap_or(0);
    let matched: Vec<&Value> = matched
        .into_iter()
        .skip(skip)
        .take(q.limit.unwrap_or(usize::MAX))
        .collect();
    if q.count {
        return Ok(Rows {
            total: matched.len(),
            records: Vec::new(),
        });
    }
    let records = matched
        .iter()
        .map(|r| project(r, &fields, schema, url_base))
        .collect();
    Ok(Rows {
        total: matched.len(),
        records,
    })
}

fn attributes(ty: &str, id: &Value, url_base: &str) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), Value::String(ty.to_string()));
    if let Value::String(id) = id {
        m.insert("url".into(), Value::String(format!("{url_base}/{ty}/{id}")));
    }
    Value::Object(m)
}

fn project(record: &Value, fields: &[&str], schema: &Schema, url_base: &str) -> Value {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        attributes(schema.object, lookup(record, "Id"), url_base),
    );
    for f in fields {
        match f.split_once('.') {
            None => {
                out.insert((*f).to_string(), lookup(record, f).clone());
            }
            Some((rel, leaf)) => {
                let related = lookup(record, rel);
                if related.is_null() {
                    out.insert(rel.to_string(), Value::Null);
                    continue;
                }
                let ty = schema
                    .relationships
                    .iter()
                    .find(|(r, _)| *r == rel)
                    .map(|(_, t)| *t)
                    .unwrap_or(rel);
                let entry = out.entry(rel.to_string()).or_insert_with(|| {
                    let mut m = Map::new();
                    m.insert(
                        "attributes".into(),
                        attributes(ty, lookup(related, "Id"), url_base),
                    );
                    Value::Object(m)
                });
                if let Value::Object(m) = entry {
                    m.insert(leaf.to_string(), lookup(related, leaf).clone());
                }
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USER: Schema = Schema {
        object: "User",
        fields: &[
            "Id",
            "Email",
            "IsActive",
            "Profile.PermissionsApiEnabled",
            "Profile.Name",
        ],
        relationships: &[("Profile", "Profile")],
    };

    fn table() -> Vec<Value> {
        vec![
            json!({"Id":"1","Email":"A@x.com","IsActive":true,"Profile":{"Id":"p1","Name":"Std","PermissionsApiEnabled":true}}),
            json!({"Id":"2","Email":"b@x.com","IsActive":false,"Profile":{"Id":"p2","Name":"NoApi","PermissionsApiEnabled":false}}),
            json!({"Id":"3","Email":"c@y.com","IsActive":true,"Profile":null}),
        ]
    }

    #[test]
    fn parses_the_apps_user_query() {
        let q = parse("SELECT Id, Username, Email, FirstName, LastName, IsActive, Profile.PermissionsApiEnabled FROM User WHERE IsActive = true").unwrap();
        assert_eq!(q.object, "User");
        assert_eq!(q.fields.len(), 7);
        assert_eq!(
            q.conditions,
            vec![Cond::Cmp {
                field: "IsActive".into(),
                op: Op::Eq,
                value: Lit::Bool(true)
            }]
        );
    }

    #[test]
    fn filters_case_insensitively_and_projects_relationships() {
        let q = parse("select id, profile.permissionsapienabled from user where isactive = TRUE and email like 'a@%'").unwrap();
        let rows = execute(&q, &USER, &table(), "/services/data/v62.0/sobjects").unwrap();
        assert_eq!(rows.total, 1);
        let r = &rows.records[0];
        assert_eq!(r["Id"], "1");
        assert_eq!(r["Profile"]["PermissionsApiEnabled"], true);
        assert_eq!(r["Profile"]["attributes"]["type"], "Profile");
        assert_eq!(
            r["attributes"]["url"],
            "/services/data/v62.0/sobjects/User/1"
        );
    }

    #[test]
    fn null_relationships_project_as_null() {
        let q = parse("SELECT Id, Profile.Name FROM User WHERE Id IN ('3')").unwrap();
        let rows = execute(&q, &USER, &table(), "/x").unwrap();
        assert_eq!(rows.records[0]["Profile"], Value::Null);
    }

    #[test]
    fn order_limit_offset_and_count() {
        let q = parse("SELECT Id FROM User ORDER BY Email DESC LIMIT 2 OFFSET 0").unwrap();
        let rows = execute(&q, &USER, &table(), "/x").unwrap();
        let ids: Vec<_> = rows.records.iter().map(|r| r["Id"].clone()).collect();
        assert_eq!(ids, [json!("3"), json!("2")]);
        let q = parse("SELECT COUNT() FROM User WHERE IsActive != false").unwrap();
        assert!(q.count);
        assert_eq!(execute(&q, &USER, &table(), "/x").unwrap().total, 2);
    }

    #[test]
    fn errors_name_the_salesforce_code() {
        let q = parse("SELECT Id, Nope FROM User").unwrap();
        assert_eq!(
            execute(&q, &USER, &table(), "/x").err().map(|e| e.code),
            Some("INVALID_FIELD")
        );
        for bad in [
            "",
            "SELECT",
            "SELECT Id",
            "SELECT Id FROM",
            "SELECT Id FROM User WHERE",
            "SELECT Id FROM User WHERE Email = 'unterminated",
            "SELECT Id FROM User WHERE IsActive = true OR IsActive = false",
            "SELECT Id FROM User LIMIT -1",
            "SELECT Id FROM User WHERE Id IN (",
            "SELECT Id FROM User extra",
            "SELECT Id FROM User WHERE Id ! 'x'",
        ] {
            assert_eq!(
                parse(bad).err().map(|e| e.code),
                Some("MALFORMED_QUERY"),
                "{bad}"
            );
        }
    }

    #[test]
    fn like_handles_wildcards() {
        assert!(like("%@x.com", "A@X.COM"));
        assert!(like("a_c", "abc"));
        assert!(!like("a_c", "abbc"));
        assert!(like("%", ""));
    }

    #[test]
    fn string_escapes() {
        let q = parse(r"SELECT Id FROM User WHERE Email = 'o\'brien@x.com'").unwrap();
        assert_eq!(
            q.conditions[0],
            Cond::Cmp {
                field: "Email".into(),
                op: Op::Eq,
                value: Lit::Str("o'brien@x.com".into())
            }
        );
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use crate::prng::Rng;

    /// Arbitrary text, and cut or spliced versions of real queries, must never panic the parser.
    #[test]
    fn parser_survives_garbage() {
        let seeds = [
            "SELECT Id, Profile.Name FROM User WHERE Email LIKE 'a%' AND IsActive = true ORDER BY Name DESC LIMIT 5",
            "SELECT COUNT() FROM User WHERE Id NOT IN ('a', 'b')",
        ];
        let alphabet: Vec<char> = "SELECTFROMWHERE ,()'\\=!<>%_.0123456789-éü漢💥\n\t"
            .chars()
            .collect();
        let mut rng = Rng::new(42, 0);
        for round in 0..5_000u64 {
            let text: String = if round % 2 == 0 {
                (0..rng.below(60)).map(|_| *rng.pick(&alphabet)).collect()
            } else {
                let s: Vec<char> = rng.pick(&seeds).chars().collect();
                let cut = rng.below(s.len() as u64) as usize;
                let mut t: String = s[..cut].iter().collect();
                t.push(*rng.pick(&alphabet));
                t.extend(s[cut..].iter());
                t
            };
            if let Ok(q) = parse(&text) {
                let _ = execute(&q, &TEST_USER, &[], "/x");
            }
        }
    }

    const TEST_USER: Schema = Schema {
        object: "User",
        fields: &["Id", "Email", "Name", "IsActive", "Profile.Name"],
        relationships: &[("Profile", "Profile")],
    };
}
