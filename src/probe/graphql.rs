//! Just enough of a GraphQL lexer to tell which operations a document defines, so that the
//! client can refuse any `mutation` or `subscription` (a substring test would be fooled by
//! comments, strings and field names, and would miss `mutation` after a comment or a comma).

/// The kind of every executable definition at the top level of `doc`, in order:
/// `query` (including the `{ … }` shorthand), `mutation`, `subscription`, `fragment`.
/// `Err` when the document does not lex or its braces do not balance: the caller refuses it.
pub fn operation_kinds(doc: &str) -> Result<Vec<&'static str>, String> {
    let mut kinds = Vec::new();
    let mut depth: usize = 0;
    // At depth 0, after a definition's keyword we skip its name, variables and directives
    // until its selection set opens.
    let mut in_header = false;
    let b = doc.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            0xEF if b[i..].starts_with("\u{feff}".as_bytes()) => i += 3,
            b'#' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' => {
                if b[i..].starts_with(b"\"\"\"") {
                    i += 3;
                    loop {
                        if i >= b.len() {
                            return Err("unterminated block string".into());
                        }
                        if b[i..].starts_with(b"\\\"\"\"") {
                            i += 4;
                        } else if b[i..].starts_with(b"\"\"\"") {
                            i += 3;
                            break;
                        } else {
                            i += 1;
                        }
                    }
                } else {
                    i += 1;
                    loop {
                        match b.get(i) {
                            None | Some(b'\n') | Some(b'\r') => {
                                return Err("unterminated string".into())
                            }
                            Some(b'\\') => i += 2,
                            Some(b'"') => {
                                i += 1;
                                break;
                            }
                            Some(_) => i += 1,
                        }
                    }
                }
            }
            b'{' => {
                if depth == 0 && !in_header {
                    kinds.push("query");
                }
                in_header = false;
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.checked_sub(1).ok_or("unbalanced braces")?;
                i += 1;
            }
            b'_' | b'A'..=b'Z' | b'a'..=b'z' => {
                let start = i;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                if depth == 0 && !in_header {
                    let kind = match &doc[start..i] {
                        "query" => "query",
                        "mutation" => "mutation",
                        "subscription" => "subscription",
                        "fragment" => "fragment",
                        // Type-system definitions (schema, type, extend …) are not executable:
                        // refuse rather than guess.
                        other => return Err(format!("unexpected top-level word {other:?}")),
                    };
                    kinds.push(kind);
                    in_header = true;
                }
            }
            b'0'..=b'9'
            | b'-'
            | b'.'
            | b'('
            | b')'
            | b'['
            | b']'
            | b':'
            | b'$'
            | b'@'
            | b'='
            | b'!'
            | b'|'
            | b'&'
            | b'+' => {
                if depth == 0 && !in_header {
                    return Err(format!("unexpected top-level character {:?}", c as char));
                }
                i += 1;
            }
            _ => {
                if depth == 0 && !in_header {
                    return Err("unexpected top-level character".into());
                }
                i += 1;
            }
        }
    }
    if depth != 0 || in_header {
        return Err("unbalanced braces".into());
    }
    if kinds.is_empty() {
        return Err("no operation".into());
    }
    Ok(kinds)
}

/// `Ok` only for a document whose every operation is a query (fragments allowed).
pub fn check_read_only(doc: &str) -> Result<(), String> {
    let kinds = operation_kinds(doc)?;
    match kinds
        .iter()
        .find(|k| **k == "mutation" || **k == "subscription")
    {
        Some(k) => Err(format!("GraphQL {k} refused: probes send queries only")),
        None if kinds.contains(&"query") => Ok(()),
        None => Err("GraphQL document without a query".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_pass() {
        for q in [
            "query { me { id name email } }",
            "{ me { id } }",
            "query Q($id: String!) { environment(id: $id) { id name } }",
            "# mutation in a comment\nquery { projectToken { projectId } }",
            "query { a(s: \"mutation { x }\") { id } }",
            "query { a(s: \"\"\"mutation\n{ }\"\"\") { id } }",
            "query A { ...F } fragment F on Query { me { id } }",
            "query { mutationCount }",
        ] {
            assert!(check_read_only(q).is_ok(), "{q}");
        }
    }

    #[test]
    fn mutations_and_junk_are_refused() {
        for q in [
            "mutation { projectDelete(id: \"x\") }",
            "query { me { id } } mutation { volumeDelete(id: \"v\") }",
            "#c\nmutation{x}",
            ",mutation M { x }",
            "subscription { logs }",
            "\u{feff}mutation { x }",
            "query { me { id }",
            "query { me } }",
            "",
            "fragment F on Query { me { id } }",
            "type Query { me: User }",
            "query { a(s: \"unterminated) }",
        ] {
            assert!(check_read_only(q).is_err(), "{q:?}");
        }
    }
}
