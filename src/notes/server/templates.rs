//! The practice's note templates.

use super::*;

pub(super) fn template_of(row: &repo::TemplateRow) -> Template {
    Template {
        id: TemplateId(row.id),
        name: row.name.clone(),
        language: row.language(),
        sections: row.sections(),
        active: row.active,
    }
}

/// The practice's templates (every staff member chooses from them).
pub async fn templates(db: &Db, who: &SignedIn) -> AppResult<Vec<Template>> {
    let mut c = db.acquire().await?;
    Ok(repo::templates(c.conn(), who.practice_id)
        .await?
        .iter()
        .map(template_of)
        .collect())
}

/// Creates (`id` `None`) or changes a template. Owners and administrators only.
pub async fn save_template(
    db: &Db,
    who: &SignedIn,
    id: Option<TemplateId>,
    name: &str,
    language: Language,
    sections: &str,
    active: bool,
) -> AppResult<Template> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice owner or an administrator can change note templates.",
    )?;
    let sections =
        check_template(name, language, sections).map_err(|(f, m)| AppError::invalid(f, m))?;
    let name = name.trim();
    let now = now_ms();
    let mut tx = db.begin().await?;
    let fields = repo::TemplateFields {
        name,
        language,
        sections: &sections,
        active,
    };
    let result = match id {
        Some(id) => match repo::update_template(tx.conn(), who.practice_id, id, &fields, now).await
        {
            Ok(0) => return Err(who.not_found(ObjectKind::NoteTemplate, id.0)),
            Ok(_) => Ok(id),
            Err(e) => Err(e),
        },
        None => repo::insert_template(tx.conn(), who.practice_id, &fields, now).await,
    };
    // A taken name answers as a field error on the name (`server::constraints`).
    let id = result?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::NoteTemplate, id.0).detail(name),
    )
    .await?;
    tx.commit().await?;
    Ok(Template {
        id,
        name: name.to_string(),
        language,
        sections,
        active,
    })
}
