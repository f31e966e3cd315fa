//! Long lists, a page at a time: a page holds its items and, when more follow, where the
//! next page starts. Pages are keyed on the list's order (a sort name, then the id), not
//! counted by offset, so the hundredth page costs what the first does and an item added
//! while someone pages does not shift the rest.

use serde::{Deserialize, Serialize};

/// Where the next page starts: just after the item with this sort name and id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub name: String,
    pub id: i64,
}

impl Cursor {
    /// The start of a list: before every item (ids are positive).
    pub fn start() -> Cursor {
        Cursor {
            name: String::new(),
            id: 0,
        }
    }
}

/// Where the next page of a newest-first list (a chart, a history) starts: just before the
/// item at this time (UTC milliseconds) and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earlier {
    pub at: i64,
    pub id: i64,
}

impl Earlier {
    /// The start of a newest-first list: after every item.
    pub fn newest() -> Earlier {
        Earlier {
            at: i64::MAX,
            id: i64::MAX,
        }
    }
}

/// One page of a list; `K` says where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T, K = Cursor> {
    pub items: Vec<T>,
    /// Absent on the last page.
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// A page from up to `size + 1` rows read in the list's order: the extra row, when
    /// there is one, only tells that another page follows, after the last row kept.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        size: usize,
        key: impl Fn(&R) -> K,
        item: impl FnMut(R) -> T,
    ) -> Page<T, K> {
        let next = if rows.len() > size {
            rows.truncate(size);
            rows.last().map(key)
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(item).collect(),
            next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(r: &(&str, i64)) -> Cursor {
        Cursor {
            name: r.0.to_string(),
            id: r.1,
        }
    }

    #[test]
    fn a_full_page_and_one_more_row_says_where_the_next_starts() {
        let rows = vec![("ann", 3), ("bea", 1), ("cal", 2)];
        let page = Page::from_rows(rows, 2, key, |r| r.1);
        assert_eq!(page.items, vec![3, 1]);
        assert_eq!(
            page.next,
            Some(Cursor {
                name: "bea".into(),
                id: 1
            })
        );
    }

    #[test]
    fn the_last_page_has_no_next_even_when_exactly_full() {
        let full = Page::from_rows(vec![("ann", 3), ("bea", 1)], 2, key, |r| r.1);
        assert_eq!(full.items, vec![3, 1]);
        assert_eq!(full.next, None);
        let empty = Page::from_rows(Vec::<(&str, i64)>::new(), 2, key, |r| r.1);
        assert!(empty.items.is_empty() && empty.next.is_none());
    }

    #[test]
    fn the_start_comes_before_every_item() {
        let start = Cursor::start();
        assert!((start.name.as_str(), start.id) < ("", 1));
    }

    #[test]
    fn the_newest_comes_after_every_item_and_pages_keep_their_cursor_kind() {
        let newest = Earlier::newest();
        assert!((newest.at, newest.id) > (i64::MAX - 1, i64::MAX));
        let rows = vec![(30_i64, 7_i64), (20, 9), (10, 2)];
        let page = Page::from_rows(rows, 2, |r| Earlier { at: r.0, id: r.1 }, |r| r.1);
        assert_eq!(page.items, vec![7, 9]);
        assert_eq!(page.next, Some(Earlier { at: 20, id: 9 }));
    }
}
