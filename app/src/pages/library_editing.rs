//! The admin's library: every topic and article of the program's own library, and each
//! article's editor (its words in English and French in Markdown, saved as drafts with a
//! preview, then published; marked checked by the clinic; moved, retired).
use crate::components::loaded;
use crate::domain::{
    count_text, library_href, ArticleForm, EditedArticle, EditedText, Language, SaveAnswer,
    ShelfTopic, TextState, TopicForm, ARTICLE_BODY_MAX, ARTICLE_SUMMARY_MAX, ARTICLE_TITLE_MAX,
    TOPIC_TITLE_MAX,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, SaveMessage, Saves, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryShelf {
    pub code: String,
    pub topics: Vec<ShelfTopic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleEditor {
    pub code: String,
    pub article: EditedArticle,
    /// Every topic in use: (number, English title).
    pub topics: Vec<(i64, String)>,
}

#[server(endpoint = "library-shelf")]
pub async fn get_library_shelf() -> Result<LibraryShelf, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.library_shelf", async move {
        let (state, asking) = request::asking().await?;
        let admin = asking.as_role(Role::Admin)?;
        let code = db::library_code_of_organisation(&state.db, &admin.organisation_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let topics = db::library_shelf(&state.db, &admin.organisation_id).await?;
        Ok(LibraryShelf { code, topics })
    })
    .await
}

#[server(endpoint = "library-draft")]
pub async fn get_library_draft(number: i64) -> Result<ArticleEditor, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.library_draft", async move {
        let (state, asking) = request::asking().await?;
        let admin = asking.as_role(Role::Admin)?;
        let org = &admin.organisation_id;
        let article = db::edited_article(&state.db, org, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let code = db::library_code_of_organisation(&state.db, org)
            .await?
            .ok_or(AppError::NotFound)?;
        let topics = db::topic_titles(&state.db, org, crate::domain::Language::English).await?;
        Ok(ArticleEditor {
            code,
            article,
            topics,
        })
    })
    .await
}

#[server(endpoint = "save-library-text")]
pub async fn save_library_text(
    number: i64,
    language: String,
    based_on: i64,
    text: ArticleForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.text.save", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::save_text(&state.db, &asking, number, &language, based_on, text)
            .await
    })
    .await
}

#[server(endpoint = "publish-library-text")]
pub async fn publish_library_text(
    number: i64,
    language: String,
    version: i64,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.text.publish", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::publish_text(&state.db, &asking, number, &language, version).await
    })
    .await
}

#[server(endpoint = "check-library-article")]
pub async fn check_library_article(number: i64) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.article.check", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::check_article(&state.db, &asking, number).await
    })
    .await
}

#[server(endpoint = "add-library-article")]
pub async fn add_library_article(topic_number: i64, title: String) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.article.add", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::add_article(&state.db, &asking, topic_number, &title).await
    })
    .await
}

#[server(endpoint = "set-library-article")]
pub async fn set_library_article(
    number: i64,
    version: i64,
    topic_number: i64,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.article.set", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::set_article(&state.db, &asking, number, version, topic_number)
            .await
    })
    .await
}

#[server(endpoint = "save-library-topic")]
pub async fn save_library_topic(number: i64, topic: TopicForm) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.topic.save", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::save_topic(&state.db, &asking, number, topic).await
    })
    .await
}

#[server(endpoint = "move-library-item")]
pub async fn move_library_item(
    kind: String,
    number: i64,
    up: bool,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.move", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::move_item(&state.db, &asking, &kind, number, up).await
    })
    .await
}

#[server(endpoint = "retire-library-item")]
pub async fn retire_library_item(
    kind: String,
    number: i64,
    retire: bool,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("library.retire", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::library::retire_item(&state.db, &asking, &kind, number, retire).await
    })
    .await
}

#[component]
pub fn LibraryShelfPage() -> impl IntoView {
    let saved = RwSignal::new(0_u32);
    provide_context(Saves(saved));
    let shelf = Resource::new(move || saved.get(), |_| get_library_shelf());
    view! {
        <Title text="Library"/>
        {loaded(shelf, |shelf| view! { <ShelfView shelf/> })}
    }
}

#[component]
fn ShelfView(shelf: LibraryShelf) -> impl IntoView {
    let LibraryShelf { code, topics } = shelf;
    let public = library_href(&code, Language::English, "");
    view! {
        <div class="library-shelf">
            <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href="/admin">"Administration"</a></nav>
            <h1>"Library"</h1>
            <p>"The articles families and friends read, open to everyone. Edit an article to change its words; readers see a change once it is published. "
                <a class="link" href=public>"See the library as readers do"</a></p>
            {topics.into_iter().map(|topic| view! { <TopicShelf topic/> }).collect_view()}
            <details class="card">
                <summary>"Add a topic"</summary>
                <TopicFormView number=0 form=TopicForm::default()/>
            </details>
        </div>
    }
}

#[component]
fn TopicShelf(topic: ShelfTopic) -> impl IntoView {
    let add = ServerAction::<AddLibraryArticle>::new();
    reload_after(add);
    let answer = Signal::derive(move || add.value().get());
    let unused = RwSignal::new(0_i64);
    let heading = format!("topic-{}", topic.number);
    let number = topic.number;
    let title = topic.title.title_en.clone();
    view! {
        <section class="card" class:muted=topic.retired aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{topic.title.title_en.clone()}" · "<span lang="fr">{topic.title.title_fr.clone()}</span></h2>
            <div class="row">
                <MoveButtons kind="article_topic" number label=title.clone()/>
                <RetireButton kind="topic" number retired=topic.retired label=title.clone()/>
            </div>
            <details>
                <summary>"Rename"</summary>
                <TopicFormView number form=topic.title.clone()/>
            </details>
            <table class="table">
                <caption class="visually-hidden">{format!("Articles in {title}")}</caption>
                <thead><tr><th>"Article"</th><th>"English"</th><th>"French"</th><th>"Checked"</th><th>"Order"</th></tr></thead>
                <tbody>
                    {topic.articles.into_iter().map(|article| {
                        let state = |language| article.states.iter().find(|(l, _)| *l == language).map_or(TextState::Missing, |(_, s)| *s).label();
                        let label = article.title.clone();
                        view! {
                            <tr class:muted=article.retired>
                                <td><a class="link" href=format!("/admin/library/{}", article.number)>{article.title.clone()}</a>
                                    {article.retired.then_some(view! { <span class="small">" (retired)"</span> })}</td>
                                <td>{state(Language::English)}</td>
                                <td>{state(Language::French)}</td>
                                <td>{if article.checked { "Yes" } else { "Not yet" }}</td>
                                <td><MoveButtons kind="article" number=article.number label/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=add attr:class="form row">
                <SaveMessage answer version=unused/>
                <input type="hidden" name="topic_number" value=number.to_string()/>
                <TextField id=format!("new-article-{number}") name="title" label="New article's title (English)"
                    value=String::new() max=ARTICLE_TITLE_MAX problem=problem_at(answer, "title")/>
                <button class="button" type="submit">"Add article"</button>
            </ActionForm>
        </section>
    }
}

/// Up and down for a topic (`article_topic` moves the topic) or an article.
#[component]
fn MoveButtons(kind: &'static str, number: i64, label: String) -> impl IntoView {
    let kind = if kind == "article_topic" {
        "topic"
    } else {
        kind
    };
    let moving = ServerAction::<MoveLibraryItem>::new();
    reload_after(moving);
    let button = move |up: bool| {
        let text = if up { "Up" } else { "Down" };
        let label = label.clone();
        view! {
            <ActionForm action=moving attr:class="inline-form">
                <input type="hidden" name="kind" value=kind/>
                <input type="hidden" name="number" value=number.to_string()/>
                <input type="hidden" name="up" value=up.to_string()/>
                <button class="button secondary" type="submit" aria-label=format!("Move {label} {}", text.to_lowercase())>{text}</button>
            </ActionForm>
        }
    };
    view! { <div class="row">{button(true)}{button(false)}</div> }
}

#[component]
fn RetireButton(kind: &'static str, number: i64, retired: bool, label: String) -> impl IntoView {
    let retire = ServerAction::<RetireLibraryItem>::new();
    reload_after(retire);
    let (text, class) = if retired {
        ("Bring back", "button secondary")
    } else {
        ("Retire", "button danger")
    };
    view! {
        <ActionForm action=retire attr:class="inline-form">
            <input type="hidden" name="kind" value=kind/>
            <input type="hidden" name="number" value=number.to_string()/>
            <input type="hidden" name="retire" value=(!retired).to_string()/>
            <button class=class type="submit" aria-label=format!("{text}: {label}")>{text}</button>
        </ActionForm>
    }
}

#[component]
fn TopicFormView(number: i64, form: TopicForm) -> impl IntoView {
    let save = ServerAction::<SaveLibraryTopic>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let unused = RwSignal::new(0_i64);
    let id = move |field: &str| format!("topic-{number}-{field}");
    view! {
        <ActionForm action=save attr:class="form">
            <SaveMessage answer version=unused/>
            <input type="hidden" name="number" value=number.to_string()/>
            <TextField id=id("en") name="topic[title_en]" label="Title in English" value=form.title_en
                max=TOPIC_TITLE_MAX problem=problem_at(answer, "title_en")/>
            <TextField id=id("fr") name="topic[title_fr]" label="Title in French" value=form.title_fr
                max=TOPIC_TITLE_MAX problem=problem_at(answer, "title_fr")/>
            <button class="button" type="submit">{if number == 0 { "Add topic" } else { "Save topic" }}</button>
        </ActionForm>
    }
}

#[component]
pub fn LibraryArticleEditPage() -> impl IntoView {
    let saved = RwSignal::new(0_u32);
    provide_context(Saves(saved));
    let number = use_params_map()
        .read_untracked()
        .get("number")
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(0);
    let editor = Resource::new(move || saved.get(), move |_| get_library_draft(number));
    view! {
        <Title text="Library"/>
        {loaded(editor, |editor| view! { <EditorView editor/> })}
    }
}

#[component]
fn EditorView(editor: ArticleEditor) -> impl IntoView {
    let ArticleEditor {
        code,
        article,
        topics,
    } = editor;
    let number = article.number;
    let title = article
        .texts
        .iter()
        .find_map(|t| t.latest.as_ref().map(|l| l.form.title.clone()))
        .unwrap_or_default();
    let check = ServerAction::<CheckLibraryArticle>::new();
    reload_after(check);
    let review = match &article.review {
        Some(review) => format!("Checked by {} on {}.", review.by, review.on),
        None => "Not checked by the clinic yet: readers are told so.".to_owned(),
    };
    view! {
        <div class="library-editor">
            <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href="/admin/library">"Library"</a></nav>
            <h1>{title.clone()}</h1>
            {article.retired.then_some(view! { <p class="message notice">"Retired: readers do not see it."</p> })}
            <section class="card" aria-labelledby="checked-heading">
                <h2 id="checked-heading">"Checked by the clinic"</h2>
                <p>{review}</p>
                <ActionForm action=check>
                    <input type="hidden" name="number" value=number.to_string()/>
                    <button class="button secondary" type="submit">"Mark as checked by me today"</button>
                </ActionForm>
            </section>
            <TopicChoice number version=article.version topic=article.topic_number topics/>
            <div class="row">
                <RetireButton kind="article" number retired=article.retired label=title/>
            </div>
            {article.texts.into_iter().map(|text| {
                let href = library_href(&code, text.language, &format!("a/{number}"));
                view! { <TextEditor number text href/> }
            }).collect_view()}
        </div>
    }
}

#[component]
fn TopicChoice(number: i64, version: i64, topic: i64, topics: Vec<(i64, String)>) -> impl IntoView {
    let set = ServerAction::<SetLibraryArticle>::new();
    reload_after(set);
    let answer = Signal::derive(move || set.value().get());
    let version = RwSignal::new(version);
    view! {
        <ActionForm action=set attr:class="form row">
            <SaveMessage answer version/>
            {move || matches!(answer.get(), Some(Ok(SaveAnswer::Outdated))).then_some(view! {
                <p class="message problem" role="alert">"Someone changed this article since you opened it. Reload the page, then choose again."</p>
            })}
            <input type="hidden" name="number" value=number.to_string()/>
            <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
            <div class="field">
                <label for="article-topic">"Topic"</label>
                <select id="article-topic" name="topic_number">
                    {topics.into_iter().map(|(n, title)| view! {
                        <option value=n.to_string() selected=n == topic>{title}</option>
                    }).collect_view()}
                </select>
            </div>
            <button class="button secondary" type="submit">"Move to this topic"</button>
        </ActionForm>
    }
}

/// One language's words: the form (a new draft over the latest version), the preview of
/// the latest version and its readability, publish, and the history.
#[component]
fn TextEditor(number: i64, text: EditedText, href: String) -> impl IntoView {
    let save = ServerAction::<SaveLibraryText>::new();
    reload_after(save);
    let publish = ServerAction::<PublishLibraryText>::new();
    reload_after(publish);
    let answer = Signal::derive(move || save.value().get());
    let published = Signal::derive(move || publish.value().get());
    let language = text.language;
    let state = text.state();
    let latest = text.latest.clone();
    let based_on = RwSignal::new(latest.as_ref().map_or(0, |l| l.version));
    let form = latest.as_ref().map(|l| l.form.clone()).unwrap_or_default();
    let name = match language {
        Language::English => "English",
        Language::French => "French",
    };
    let heading = format!("text-{}", language.code());
    let id = move |field: &str| format!("{}-{field}", language.code());
    let body_id = id("body");
    let body_problem = format!("{body_id}-problem");
    let body_problem_text = problem_at(answer, "body");
    let readability = latest.as_ref().map(|l| {
        let counts = count_text(&l.form.body, language);
        match language {
            Language::English => format!(
                "Reading level: grade {:.1} (Flesch-Kincaid; keep it at 8 or below).",
                counts.grade()
            ),
            Language::French => format!(
                "Reading ease: {:.0} (Kandel-Moles; keep it at 65 or more).",
                counts.ease()
            ),
        }
    });
    let publishable = latest
        .as_ref()
        .filter(|l| l.published_at.is_none())
        .map(|l| l.version);
    view! {
        <section class="card text-editor" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{format!("{name}: {}", state.label())}</h2>
            {(state == TextState::Published || state == TextState::DraftWaiting).then_some(view! {
                <p><a class="link" href=href>{format!("Read the published {name} page")}</a></p>
            })}
            <ActionForm action=save attr:class="form">
                <SaveMessage answer version=based_on/>
                <input type="hidden" name="number" value=number.to_string()/>
                <input type="hidden" name="language" value=language.code()/>
                <input type="hidden" name="based_on" prop:value=move || based_on.get().to_string()/>
                <TextField id=id("title") name="text[title]" label="Title" value=form.title
                    max=ARTICLE_TITLE_MAX problem=problem_at(answer, "title")/>
                <TextField id=id("summary") name="text[summary]" label="Summary (one sentence)" value=form.summary
                    max=ARTICLE_SUMMARY_MAX required=false problem=problem_at(answer, "summary")/>
                <div class="field">
                    <label for=body_id.clone()>"Text (Markdown: ## for a heading, - for a list, **bold**)"</label>
                    <textarea id=body_id name="text[body]" rows="18" required maxlength=ARTICLE_BODY_MAX
                        aria-invalid=move || body_problem_text().is_some().to_string()
                        aria-describedby=body_problem.clone()>{form.body}</textarea>
                    <p id=body_problem class="field-problem">{body_problem_text}</p>
                </div>
                <button class="button" type="submit">"Save draft"</button>
            </ActionForm>
            {latest.map(|l| view! {
                <details class="preview">
                    <summary>{format!("Preview of version {}", l.version)}</summary>
                    <p class="small">{readability.clone()}</p>
                    <div class="article-body" inner_html=l.html></div>
                </details>
            })}
            {publishable.map(|version| view! {
                <ActionForm action=publish>
                    {move || matches!(published.get(), Some(Ok(SaveAnswer::Outdated))).then_some(view! {
                        <p class="message problem" role="alert">"A newer draft was saved since you opened this page. Reload it, check the preview, then publish."</p>
                    })}
                    <input type="hidden" name="number" value=number.to_string()/>
                    <input type="hidden" name="language" value=language.code()/>
                    <input type="hidden" name="version" value=version.to_string()/>
                    <button class="button" type="submit">{format!("Publish version {version}")}</button>
                </ActionForm>
            })}
            <details>
                <summary>"Every version"</summary>
                <ol class="revisions" reversed>
                    {text.history.into_iter().map(|(version, by, at, published)| view! {
                        <li>{format!("Version {version}, saved by {by} at {at}{}", published.map(|p| format!(", published at {p}")).unwrap_or_default())}</li>
                    }).collect_view()}
                </ol>
            </details>
        </section>
    }
}
