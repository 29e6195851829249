//! The demo program: a fictitious clinic with case managers, clients and everything around
//! them, written in our own plain words. Every name, phone number and address is made up.
//! Seeding runs in one transaction and only when the demo organisation is not there yet,
//! so running it twice adds nothing.
use app::db::{
    self, Db, DbError, NewAppointment, NewClientProfile, NewGoal, NewReferral, NewResource,
    NewService, NewStep,
};
use app::domain::{
    identity_key, AppointmentKind as Kind, AppointmentStatus as Status, AreaAssessment,
    AssessmentFields, Audience, CaseNoteFields, ContactKind, GoalStatus, Helper, Horizon,
    LeaveMessages, LifeDomain, Need, OfficeFields, PlainText, RecordId, ReferralStatus,
    ResourceKind, ReviewFields, ReviewParticipant, Role, SafetyPlanParts, ServiceHandoverFields,
    Stage, StageChange, StageSet, StepDoer, WeeklyRepeat, SERVICE_NOTE_MAX_CHARS,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sqlx::AnyConnection;

pub const DEMO_ORGANISATION_ID: &str = "7b0c6c52-3f7e-4d0a-9a53-5f0d3c1e2a01";
pub const TIME_ZONE: &str = "America/Toronto";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Created,
    AlreadyThere,
}

/// Every demo account signs in with this passphrase; the README says so. Demo only.
pub const DEMO_PASSPHRASE: &str = "riverside demo";

/// Case managers and their sign-in names.
const CASE_MANAGERS: [(&str, &str); 3] = [
    ("Amara Okafor", "amara"),
    ("Daniel Reyes", "daniel"),
    ("Priya Natarajan", "priya"),
];

/// Clients from this index on have no sign-in yet, to show enrollment.
const FIRST_NOT_ENROLLED: usize = 25;

/// Thirty clients. The first is the one the README and the browser tests look at.
const CLIENTS: [&str; 30] = [
    "Alex", "Bea", "Carlos", "Dana", "Eli", "Fatima", "Grace", "Hassan", "Iris", "Jamal", "Kim",
    "Luis", "Maya", "Noah", "Olivia", "Pat", "Quinn", "Rosa", "Sean", "Tara", "Umar", "Val", "Wes",
    "Ximena", "Yusuf", "Zoe", "Aaron", "Brianna", "Cody", "Devi",
];

/// Family names, so that the demo's clients have full names as intake records them.
const SURNAMES: [&str; 7] = [
    "Moreau", "Osei", "Singh", "Tremblay", "Nguyen", "Campbell", "Haddad",
];

const PHARMACIES: [&str; 3] = [
    "Main Street Pharmacy, 210 Main Street",
    "Riverside Clinic Pharmacy, 45 River Road",
    "Eastgate Drug Store, 9 Eastgate Plaza",
];

/// Stage histories as (days before today, stages, note), oldest first. The fourth goes back
/// a stage; together they end in every stage.
type StageStep = (i64, &'static [Stage], Option<&'static str>);
const STAGE_PATHS: [&[StageStep]; 8] = [
    &[
        (600, &[Stage::MethadoneMaintenance], Some("Started on methadone with the clinic.")),
        (400, &[Stage::Stabilisation], Some("Steady doses and routines for several months.")),
        (60, &[Stage::MethadoneMaintenance], Some("Back to weekly check-ins with the prescriber after a hard month. This is a normal part of care.")),
    ],
    &[
        (400, &[Stage::HarmReduction], Some("First contact through the drop-in.")),
        (300, &[Stage::MethadoneMaintenance], None),
    ],
    &[(200, &[Stage::MethadoneMaintenance], Some("Referred by the hospital."))],
    &[
        (500, &[Stage::HarmReduction], None),
        (420, &[Stage::MethadoneMaintenance], None),
        (200, &[Stage::MethadoneMaintenance, Stage::Stabilisation], Some("Working on routines while the dose is adjusted.")),
        (90, &[Stage::Stabilisation], None),
    ],
    &[
        (700, &[Stage::MethadoneMaintenance], None),
        (500, &[Stage::Stabilisation], None),
        (45, &[Stage::Detoxification], Some("Chose a slow taper with the prescriber.")),
    ],
    &[
        (900, &[Stage::MethadoneMaintenance], None),
        (700, &[Stage::Stabilisation], None),
        (300, &[Stage::Detoxification], None),
        (200, &[Stage::Rehabilitation], Some("Started a day program.")),
    ],
    &[
        (1200, &[Stage::MethadoneMaintenance], None),
        (900, &[Stage::Stabilisation], None),
        (600, &[Stage::Detoxification], None),
        (400, &[Stage::Rehabilitation], None),
        (100, &[Stage::Aftercare], Some("Finished the day program. Keeping supports in place.")),
    ],
    &[(30, &[Stage::HarmReduction], Some("Getting to know the team. No pressure."))],
];

/// A goal in the client's words, with its steps.
struct GoalIdea {
    domain: LifeDomain,
    horizon: Horizon,
    own_words: &'static str,
    steps: [(&'static str, StepDoer); 3],
}

macro_rules! goal {
    ($domain:ident, $horizon:ident, $words:literal, [$(($step:literal, $doer:ident)),+]) => {
        GoalIdea {
            domain: LifeDomain::$domain,
            horizon: Horizon::$horizon,
            own_words: $words,
            steps: [$(($step, StepDoer::$doer)),+],
        }
    };
}

const GOALS: [GoalIdea; 20] = [
    goal!(
        Treatment,
        ShortTerm,
        "Get my dose right so I feel steady all day",
        [
            ("Tell the prescriber how my mornings feel", Client),
            ("Book a dose review", CaseManager),
            ("Write a short note each day about how I feel", Client)
        ]
    ),
    goal!(
        Treatment,
        LongTerm,
        "Earn take-home doses",
        [
            ("Make my pick-ups every day for three months", Client),
            ("Ask the prescriber what take-homes need", Together),
            ("Get a lock box to keep doses safe", Client)
        ]
    ),
    goal!(
        PhysicalHealth,
        ShortTerm,
        "See someone about my teeth",
        [
            ("Find a dentist who takes my health coverage", CaseManager),
            ("Book the first visit", Client),
            ("Go to the visit", Client)
        ]
    ),
    goal!(
        PhysicalHealth,
        LongTerm,
        "Walk for 30 minutes most days",
        [
            ("Walk to the pharmacy instead of taking the bus", Client),
            ("Find someone to walk with", Client),
            ("Try the free track at the community centre", Client)
        ]
    ),
    goal!(
        MentalHealth,
        ShortTerm,
        "Sleep better",
        [
            ("Talk to my counsellor about sleep", Client),
            ("Try the same bedtime for two weeks", Client),
            ("Look back at what helped", Together)
        ]
    ),
    goal!(
        MentalHealth,
        LongTerm,
        "Feel calmer in busy places",
        [
            ("Start counselling", Client),
            ("Practise a breathing exercise each day", Client),
            ("Go to a group with a friend", Client)
        ]
    ),
    goal!(
        Housing,
        ShortTerm,
        "Get on the housing waiting list",
        [
            ("Gather my ID and income papers", Client),
            ("Fill in the form together", Together),
            ("Send the form in", CaseManager)
        ]
    ),
    goal!(
        Housing,
        LongTerm,
        "A place of my own",
        [
            ("Keep my waiting list details up to date", Client),
            ("Save for the first month's rent", Client),
            ("Visit places with the housing worker", Together)
        ]
    ),
    goal!(
        Income,
        ShortTerm,
        "Sort out my benefits",
        [
            ("Find my tax papers", Client),
            ("Call the benefits office together", Together),
            ("Set up direct deposit", Client)
        ]
    ),
    goal!(
        Income,
        LongTerm,
        "Save $500 for emergencies",
        [
            ("Open a bank account with no fees", Client),
            ("Put aside $20 each week", Client),
            ("Check my savings once a month", Together)
        ]
    ),
    goal!(
        Education,
        ShortTerm,
        "Get my food handler certificate",
        [
            ("Sign up for the course", Client),
            ("Ask about help with the fee", CaseManager),
            ("Take the test", Client)
        ]
    ),
    goal!(
        Education,
        LongTerm,
        "Finish high school",
        [
            ("Visit the adult learning centre", Together),
            ("Choose a first course", Client),
            ("Set study times that fit my pick-ups", Client)
        ]
    ),
    goal!(
        Legal,
        ShortTerm,
        "Be ready for my court date",
        [
            ("Call legal aid", Client),
            ("Bring my papers to the lawyer", Client),
            ("Plan a ride to court", CaseManager)
        ]
    ),
    goal!(
        Legal,
        LongTerm,
        "Clear my old fines",
        [
            ("Get a list of what I owe", CaseManager),
            ("Ask about a payment plan", Together),
            ("Make the first payment", Client)
        ]
    ),
    goal!(
        Family,
        ShortTerm,
        "Call my sister every Sunday",
        [
            ("Put a reminder in my phone", Client),
            ("Make the first call", Client),
            ("Tell my case manager how it went", Client)
        ]
    ),
    goal!(
        Family,
        LongTerm,
        "Have regular visits with my kids",
        [
            ("Talk to the family worker", Together),
            ("Go to the parenting class", Client),
            ("Set up the first visit", CaseManager)
        ]
    ),
    goal!(
        Community,
        ShortTerm,
        "Try a peer support group",
        [
            ("Pick a group from the Support page", Client),
            ("Go once with my case manager", Together),
            ("Go on my own", Client)
        ]
    ),
    goal!(
        Community,
        LongTerm,
        "Help others as a peer worker",
        [
            ("Ask how the peer training works", Client),
            ("Sign up for the next training", Client),
            ("Shadow a peer worker for a day", Client)
        ]
    ),
    goal!(
        Wellbeing,
        ShortTerm,
        "Have a plan for hard days",
        [
            ("Write down three things that help", Client),
            ("Save the crisis line in my phone", Client),
            ("Go over the plan together", Together)
        ]
    ),
    goal!(
        Wellbeing,
        LongTerm,
        "Find a hobby I enjoy",
        [
            ("Try the free art drop-in", Client),
            ("Borrow a book from the library", Client),
            ("Pick one thing to do each week", Client)
        ]
    ),
];

struct ServiceIdea {
    name: &'static str,
    description: &'static str,
    phone: &'static str,
    address: &'static str,
    domain: LifeDomain,
    next_step: &'static str,
}

/// The people a referral is made to, at whichever service.
const CONTACTS: [&str; 4] = ["Dana Lee", "Marc Gagnon", "Ruth Abebe", "Sam Ortiz"];

const SERVICES: [ServiceIdea; 8] = [
    ServiceIdea {
        name: "Northside Housing Help",
        description: "Helps people find and keep a home, and deals with landlords.",
        phone: "555-0142",
        address: "18 King Street, 2nd floor",
        domain: LifeDomain::Housing,
        next_step: "Bring your ID and last month's income statement to the first meeting.",
    },
    ServiceIdea {
        name: "Bridges Legal Clinic",
        description: "Free legal advice for people with low income.",
        phone: "555-0177",
        address: "300 Queen Street",
        domain: LifeDomain::Legal,
        next_step: "Write down your court date and any letters you got, and bring them.",
    },
    ServiceIdea {
        name: "Steady Steps Counselling",
        description: "One-to-one counselling, including for trauma and grief.",
        phone: "555-0119",
        address: "45 River Road, Suite 4",
        domain: LifeDomain::MentalHealth,
        next_step: "Think about one or two things you'd like to talk about first.",
    },
    ServiceIdea {
        name: "Open Door Peer Network",
        description: "Groups run by people with lived experience of recovery.",
        phone: "555-0163",
        address: "77 Elm Avenue",
        domain: LifeDomain::Community,
        next_step: "Pick a group time that fits around your pick-up.",
    },
    ServiceIdea {
        name: "Fresh Start Job Centre",
        description: "Job search help, resumes and short training courses.",
        phone: "555-0188",
        address: "12 Market Square",
        domain: LifeDomain::Education,
        next_step: "Make a list of jobs you have done, paid or not.",
    },
    ServiceIdea {
        name: "Riverside Dental Outreach",
        description: "Low-cost dental care on weekdays.",
        phone: "555-0131",
        address: "45 River Road, Suite 1",
        domain: LifeDomain::PhysicalHealth,
        next_step: "Call to book and say your case manager sent you.",
    },
    ServiceIdea {
        name: "Harbour Family Program",
        description: "Support for parents and their children, including supervised visits.",
        phone: "555-0156",
        address: "5 Harbour Lane",
        domain: LifeDomain::Family,
        next_step: "Fill in the short intake form with your case manager.",
    },
    ServiceIdea {
        name: "Community Benefits Office",
        description: "Help applying for income support and disability benefits.",
        phone: "555-0104",
        address: "City Hall, Room 110",
        domain: LifeDomain::Income,
        next_step: "Bring your bank details and your health card.",
    },
];

struct ResourceIdea {
    kind: ResourceKind,
    audience: Audience,
    name: &'static str,
    description: &'static str,
    how_to_reach: &'static str,
    phone: Option<&'static str>,
    website: Option<&'static str>,
}

macro_rules! resource {
    ($kind:ident, $audience:ident, $name:literal, $description:literal, $how:literal, $phone:expr, $site:expr) => {
        ResourceIdea {
            kind: ResourceKind::$kind,
            audience: Audience::$audience,
            name: $name,
            description: $description,
            how_to_reach: $how,
            phone: $phone,
            website: $site,
        }
    };
}

const RESOURCES: [ResourceIdea; 22] = [
    resource!(CrisisLine, Both, "Distress line", "Talk to a trained listener about anything that feels too big right now.", "Open 24 hours, every day. Free and private.", Some("1-800-555-0199"), None),
    resource!(CrisisLine, Family, "Family helpline", "For family members who are worried about someone they love.", "Open 24 hours. You don't have to give your name.", Some("1-800-555-0123"), None),
    resource!(HarmReduction, Client, "Someone on the line", "If you use alone, call and someone stays on the phone and sends help if you stop answering.", "Open 24 hours. No judgement, no police unless you ask.", Some("1-800-555-0111"), None),
    resource!(HarmReduction, Both, "Free naloxone kits", "Naloxone can reverse an opioid overdose. Ask for a kit and a two-minute lesson.", "At any of the three demo pharmacies. No prescription needed.", None, None),
    resource!(HarmReduction, Client, "Drop-in health van", "Safer supplies, wound care and a friendly chat.", "Tuesday and Friday evenings, 6 to 9 pm, outside 77 Elm Avenue.", None, None),
    resource!(PeerSupport, Client, "Tuesday peer circle", "A small group of people on the same path. Come and listen; you don't have to talk.", "Tuesdays 2 pm, 77 Elm Avenue, room B. Coffee is free.", Some("555-0163"), None),
    resource!(PeerSupport, Client, "Women's peer group", "A group for women and gender-diverse people in recovery.", "Thursdays 11 am, 77 Elm Avenue. Childcare on request.", Some("555-0163"), None),
    resource!(PeerSupport, Client, "Evening online meeting", "A peer meeting you can join from your phone with the camera off.", "Every night at 8 pm. Ask your case manager for the link.", None, None),
    resource!(PeerSupport, Client, "Peer mentor match", "Get matched with someone who has been in treatment and can walk with you.", "Ask at the front desk or call to be matched.", Some("555-0164"), None),
    resource!(FamilySupport, Family, "Family evening", "Learn how treatment works and how to support someone without burning out.", "First Monday of each month, 6:30 pm, 45 River Road.", Some("555-0156"), None),
    resource!(FamilySupport, Family, "Parents' support group", "For parents of adult children in recovery.", "Wednesdays 7 pm, 5 Harbour Lane.", Some("555-0156"), None),
    resource!(FamilySupport, Family, "Guide for families", "A short, plain guide: what treatment is, what helps, and what to say.", "Free copies at the front desk, or ask for one by phone.", Some("555-0100"), None),
    resource!(FamilySupport, Family, "Kids' and teens' group", "A fun, safe group for children who have a parent in recovery.", "Saturdays 10 am, 5 Harbour Lane.", Some("555-0157"), None),
    resource!(Counselling, Both, "Walk-in counselling", "One free session, no appointment needed.", "Weekdays 10 am to 4 pm, 45 River Road, Suite 4.", Some("555-0119"), None),
    resource!(Counselling, Client, "Trauma and grief counselling", "Longer-term counselling for loss and hard experiences.", "Ask your case manager for a referral.", Some("555-0119"), None),
    resource!(Counselling, Family, "Counselling for caregivers", "Support for people caring for someone in recovery.", "Evenings by appointment.", Some("555-0120"), None),
    resource!(Housing, Client, "Housing help desk", "Help with applications, waiting lists and problems with landlords.", "Mondays to Thursdays, 9 am to 3 pm, 18 King Street.", Some("555-0142"), None),
    resource!(Housing, Client, "Emergency shelter line", "Find a bed for tonight.", "Open 24 hours.", Some("555-0140"), None),
    resource!(LegalAid, Client, "Free legal clinic", "Advice on court dates, fines, housing and family law.", "Walk in on Wednesdays 1 to 4 pm, 300 Queen Street.", Some("555-0177"), None),
    resource!(LegalAid, Client, "ID replacement clinic", "Help getting a new health card, birth certificate or photo ID.", "Second Friday of each month, City Hall, Room 110.", Some("555-0104"), None),
    resource!(Vocational, Client, "Job readiness program", "Eight weeks of paid training and help finding work.", "New groups start every month. Call to join.", Some("555-0188"), Some("https://jobs.example.org")),
    resource!(Vocational, Both, "Free computer classes", "Learn to use email, write a resume and apply for jobs online.", "Saturdays 1 pm at the public library.", None, Some("https://library.example.org")),
];

/// What can stop the demo from being added.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Hash(#[from] app::auth::HashError),
    #[error(transparent)]
    Busy(#[from] app::auth::Busy),
    /// The demo data breaks one of the domain's rules: a mistake in this file.
    #[error("the demo data breaks a rule: {0}")]
    Rule(String),
}

fn name_taken(_: db::NameTaken) -> DemoError {
    DemoError::Rule("two demo accounts share a sign-in name".into())
}

/// How many clients the demo program has.
pub const DEMO_CLIENTS: usize = CLIENTS.len();

/// Adds the demo program unless it is already there.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> Result<SeedOutcome, DemoError> {
    seed_with(db, now, DEMO_CLIENTS).await
}

/// As [`seed`], with `client_count` clients: past the thirty demo names, names repeat with a
/// number ("Alex 2") and nobody has a sign-in. For measuring a large caseload.
pub async fn seed_with(
    db: &Db,
    now: DateTime<Utc>,
    client_count: usize,
) -> Result<SeedOutcome, DemoError> {
    let size = DemoSize {
        clients: client_count,
        programs: 1,
        history: false,
    };
    seed_programs(db, now, size).await
}

/// How big a demo to make, for measuring at the size of a health region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    pub clients: usize,
    /// Riverside first, then "Program 2" and on, whose staff and clients have no sign-ins.
    pub programs: usize,
    /// Whether every client past the thirty demo people has a year of history (see
    /// `DemoClient::history`).
    pub history: bool,
}

/// As [`seed_with`], at `size`. Each program is added in a transaction of its own.
pub async fn seed_programs(
    db: &Db,
    now: DateTime<Utc>,
    size: DemoSize,
) -> Result<SeedOutcome, DemoError> {
    let DemoSize {
        clients: client_count,
        programs,
        history,
    } = size;
    let mut first = Some(db.begin().await?);
    if let Some(tx) = &mut first {
        if db::organisation_exists(tx, DEMO_ORGANISATION_ID).await? {
            return Ok(SeedOutcome::AlreadyThere);
        }
    }
    // One Argon2id hash for every demo account: hashing thirty would take seconds.
    let passphrase_hash = app::auth::hash_passphrase_in_turn(DEMO_PASSPHRASE.to_owned()).await??;
    let programs = programs.max(1);
    let per_program = client_count.div_ceil(programs);
    for number in 0..programs {
        // Riverside's transaction is the one that found it missing.
        let mut tx = match first.take() {
            Some(tx) => tx,
            None => db.begin().await?,
        };
        let (id, name) = match number {
            0 => (
                DEMO_ORGANISATION_ID.to_owned(),
                "Riverside Community Health".to_owned(),
            ),
            n => (
                format!("00000000-0000-4000-8000-{n:012}"),
                format!("Program {}", n + 1),
            ),
        };
        let program = DemoProgram {
            id: &id,
            name: &name,
            sign_ins: number == 0,
            history: history.then(|| db.audit_key()),
        };
        let clients = per_program.min(client_count.saturating_sub(number * per_program));
        program
            .seed(&mut tx, &passphrase_hash, clients, now)
            .await?;
        tx.commit().await.map_err(DbError::from)?;
    }
    Ok(SeedOutcome::Created)
}

/// One program of the demo; only the first has sign-ins (they are unique across programs).
struct DemoProgram<'a> {
    id: &'a str,
    name: &'a str,
    sign_ins: bool,
    /// With a year of history, chained under this key.
    history: Option<&'a db::AuditKey>,
}

impl DemoProgram<'_> {
    async fn seed(
        &self,
        tx: &mut AnyConnection,
        passphrase_hash: &str,
        client_count: usize,
        now: DateTime<Utc>,
    ) -> Result<(), DemoError> {
        let today = now
            .with_timezone(&TIME_ZONE.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC))
            .date_naive();
        let org = self.id;
        db::insert_organisation(&mut *tx, org, self.name, TIME_ZONE, now).await?;
        let office = OfficeFields {
            phone: Some("416-555-0100".to_owned()),
            hours: Some("Monday to Friday, 9 am to 5 pm. Thursdays until 7 pm.".to_owned()),
        };
        db::set_office(&mut *tx, org, &office).await?;

        let mut case_managers = Vec::new();
        for (line, (name, sign_in_name)) in (101..).zip(CASE_MANAGERS) {
            let id = db::new_id();
            db::insert_person(&mut *tx, &id, org, name, Role::CaseManager, now).await?;
            let phone = format!("416-555-0{line} ext {}", line - 100);
            db::set_work_phone(&mut *tx, org, &id, Some(&phone)).await?;
            if self.sign_ins {
                db::insert_account(&mut *tx, &id, sign_in_name, passphrase_hash, now)
                    .await?
                    .map_err(name_taken)?;
            }
            case_managers.push(id);
        }
        let admin = db::new_id();
        db::insert_person(&mut *tx, &admin, org, "Sam Whitfield", Role::Admin, now).await?;
        if self.sign_ins {
            db::insert_account(&mut *tx, &admin, "sam.admin", passphrase_hash, now)
                .await?
                .map_err(name_taken)?;
        }

        let mut services = Vec::new();
        for s in &SERVICES {
            let service = NewService {
                name: s.name,
                description: s.description,
                phone: Some(s.phone),
                address: Some(s.address),
            };
            services.push(db::insert_service(&mut *tx, org, &service).await?);
        }
        let mut resources = Vec::new();
        for (position, r) in (0_i64..).zip(&RESOURCES) {
            let resource = NewResource {
                kind: r.kind,
                audience: r.audience,
                name: r.name,
                description: r.description,
                how_to_reach: r.how_to_reach,
                phone: r.phone,
                website: r.website,
                position,
            };
            resources.push(db::insert_resource(&mut *tx, org, &resource).await?);
        }

        for index in 0..client_count {
            let name = &match index / CLIENTS.len() {
                0 => CLIENTS[index].to_owned(),
                round => format!("{} {}", CLIENTS[index % CLIENTS.len()], round + 1),
            };
            let client = db::new_id();
            let case_manager = &case_managers[index % case_managers.len()];
            let demo_client = DemoClient {
                index,
                id: &client,
                case_manager,
                today,
                now,
            };
            let full_name = format!("{name} {}", SURNAMES[index % SURNAMES.len()]);
            db::insert_person(&mut *tx, &client, org, &full_name, Role::Client, now).await?;
            if self.sign_ins && index < FIRST_NOT_ENROLLED {
                let sign_in_name = name.to_lowercase();
                db::insert_account(&mut *tx, &client, &sign_in_name, passphrase_hash, now)
                    .await?
                    .map_err(name_taken)?;
            }
            let date_of_birth =
                today - Duration::days(365 * (24 + index as i64 % 30) + 13 * index as i64);
            let phone = format!("416-555-{:04}", 100 + index);
            let profile = NewClientProfile {
                person_id: &client,
                preferred_name: name,
                pronouns: None,
                program_start_on: today - Duration::days(120 + 37 * (index % CLIENTS.len()) as i64),
                pharmacy: Some(PHARMACIES[index % PHARMACIES.len()]),
                intake: Some(db::Intake {
                    date_of_birth,
                    phone: Some(&phone),
                    leave_messages: if index % 3 == 0 {
                        LeaveMessages::No
                    } else {
                        LeaveMessages::Yes
                    },
                    preferred_language: Some(if index % 4 == 1 { "French" } else { "English" }),
                    identity_key: &identity_key(org, &full_name, date_of_birth),
                    added_by: Some(case_manager),
                    added_at: now,
                }),
            };
            db::insert_client_profile(&mut *tx, &profile)
                .await?
                .map_err(|_| DemoError::Rule(format!("{full_name} is in the demo twice")))?;
            db::add_to_care_team(
                &mut *tx,
                &client,
                case_manager,
                true,
                profile.program_start_on,
            )
            .await?;
            let mut team = vec![case_manager.as_str()];
            if index.is_multiple_of(5) {
                let backup = &case_managers[(index + 1) % case_managers.len()];
                db::add_to_care_team(&mut *tx, &client, backup, false, today - Duration::days(30))
                    .await?;
                team.push(backup);
            }
            demo_client.stages(&mut *tx).await?;
            demo_client.plan(&mut *tx).await?;
            demo_client.appointments(&mut *tx).await?;
            demo_client.referrals(&mut *tx, &services).await?;
            demo_client.case_notes(&mut *tx).await?;
            demo_client.review(&mut *tx).await?;
            demo_client.assessments(&mut *tx).await?;
            demo_client.safety_plan(&mut *tx).await?;
            demo_client.suggestions(&mut *tx).await?;
            demo_client.messages(&mut *tx).await?;
            for pick in [index, index + 5] {
                let resource = &resources[2 + pick % (resources.len() - 2)];
                db::recommend_resource(&mut *tx, &client, resource).await?;
            }
            // Riverside's thirty are the demo's people, as they always are.
            let demo_person = self.sign_ins && index < CLIENTS.len();
            if let Some(key) = self.history.filter(|_| !demo_person) {
                demo_client.history(&mut *tx, (key, org), &team).await?;
            }
        }
        Ok(())
    }
}

struct DemoClient<'a> {
    index: usize,
    id: &'a str,
    case_manager: &'a str,
    today: NaiveDate,
    now: DateTime<Utc>,
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default())
}

impl DemoClient<'_> {
    async fn stages(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        for &(days_ago, stages, note) in STAGE_PATHS[self.index % STAGE_PATHS.len()] {
            let change = StageChange {
                stages: StageSet::new(stages.iter().copied())
                    .map_err(|e| DemoError::Rule(e.to_string()))?,
                effective_on: self.today - Duration::days(days_ago),
                note: note.map(str::to_owned),
            };
            db::insert_stage_change(conn, self.id, &change, self.case_manager, self.now).await?;
        }
        Ok(())
    }

    /// Five goals in revision 1; revision 2 changes two and adds one, so "what changed"
    /// has something to show.
    async fn plan(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        let plan = db::create_support_plan(conn, self.id, self.now).await?;
        let mut goal_ids = Vec::new();
        for k in 0..5 {
            // Spread ideas so that every domain, horizon and status occurs across clients.
            let g = self.index * 5 + k;
            let idea = &GOALS[(self.index * 7 + k * 4) % GOALS.len()];
            let status = if k < 2 {
                GoalStatus::InProgress
            } else {
                GoalStatus::ALL[g % 4]
            };
            let goal = NewGoal {
                domain: idea.domain,
                horizon: idea.horizon,
                own_words: idea.own_words,
                status,
                target_on: Some(
                    self.today
                        + Duration::days(match idea.horizon {
                            Horizon::ShortTerm => 30 + 7 * k as i64,
                            Horizon::LongTerm => 180 + 30 * k as i64,
                        }),
                ),
                position: k as i64,
                revision: 1,
            };
            let goal_id = db::insert_goal(conn, &plan, &goal).await?;
            let done_steps: i64 = match status {
                GoalStatus::Achieved => 3,
                GoalStatus::InProgress => 1 + (g % 2) as i64,
                GoalStatus::Paused => 1,
                GoalStatus::NotStarted => 0,
            };
            for (position, &(description, doer)) in (0_i64..).zip(&idea.steps) {
                let step = NewStep {
                    description,
                    doer,
                    due_on: Some(self.today + Duration::days(position * 10 - 7)),
                    done_on: (position < done_steps)
                        .then(|| self.today - Duration::days(20 - position * 5)),
                    position,
                };
                db::insert_step(conn, &goal_id, &step).await?;
            }
            goal_ids.push(goal_id);
        }
        let first_sent = self.now - Duration::days(40);
        db::send_plan_revision(
            conn,
            self.id,
            "We wrote your first plan together: five goals to start with.",
            self.case_manager,
            first_sent,
        )
        .await?;

        db::set_goal_status(conn, &goal_ids[2], GoalStatus::InProgress, 2).await?;
        let idea = &GOALS[(self.index * 7 + 13) % GOALS.len()];
        let added = NewGoal {
            domain: idea.domain,
            horizon: idea.horizon,
            own_words: idea.own_words,
            status: GoalStatus::NotStarted,
            target_on: None,
            position: 5,
            revision: 2,
        };
        let goal_id = db::insert_goal(conn, &plan, &added).await?;
        for (position, &(description, doer)) in (0_i64..).zip(&idea.steps) {
            let step = NewStep {
                description,
                doer,
                due_on: None,
                done_on: None,
                position,
            };
            db::insert_step(conn, &goal_id, &step).await?;
        }
        let summary = format!(
            "After our meeting: you started on \"{}\", and we added \"{}\".",
            GOALS[(self.index * 7 + 8) % GOALS.len()].own_words,
            idea.own_words
        );
        db::send_plan_revision(
            conn,
            self.id,
            &summary,
            self.case_manager,
            self.now - Duration::days(6),
        )
        .await?;
        Ok(())
    }

    /// Appointments of every kind over the past 60 and next 30 days; every third client
    /// has a weekly pick-up.
    async fn appointments(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        let i = self.index as i64;
        let pharmacy = PHARMACIES[self.index % PHARMACIES.len()];
        if self.index.is_multiple_of(3) {
            let first = at(self.today - Duration::days(56 - i % 7), 9, 30);
            let repeat = WeeklyRepeat::new(first, self.today + Duration::days(28))
                .map_err(|e| DemoError::Rule(e.to_string()))?;
            let pick_up = NewAppointment {
                kind: Kind::Dosing,
                starts_at: first,
                duration_minutes: 15,
                place: pharmacy,
                with_whom: None,
                what_to_bring: Some("Photo ID"),
                status: Status::Scheduled,
            };
            let ids = db::insert_weekly_series(conn, self.id, &repeat, &pick_up).await?;
            for (n, (id, starts_at)) in ids.iter().zip(repeat.occurrences()).enumerate() {
                if starts_at.date() < self.today {
                    let status = if n == 3 {
                        Status::Missed
                    } else {
                        Status::Attended
                    };
                    db::set_appointment_status(conn, self.id, id, status).await?;
                }
            }
        }
        // (days from today, hour, status) for four one-off appointments.
        let plan: [(i64, u32, Status); 5] = [
            (
                -50 + i % 5,
                10,
                if self.index.is_multiple_of(4) {
                    Status::Missed
                } else {
                    Status::Attended
                },
            ),
            (
                -20 + i % 3,
                14,
                if self.index.is_multiple_of(5) {
                    Status::Cancelled
                } else {
                    Status::Attended
                },
            ),
            (
                1 + i % 3,
                10,
                if self.index.is_multiple_of(2) {
                    Status::Confirmed
                } else {
                    Status::Scheduled
                },
            ),
            (8 + i % 6, 13, Status::Scheduled),
            (
                20 + i % 9,
                11,
                if i % 7 == 3 {
                    Status::Cancelled
                } else {
                    Status::Scheduled
                },
            ),
        ];
        for (k, (days, hour, status)) in plan.into_iter().enumerate() {
            let kind = Kind::ALL[(self.index * 5 + k) % Kind::ALL.len()];
            let (place, with_whom, bring) =
                appointment_details(kind, pharmacy, self.case_manager_name());
            let appointment = NewAppointment {
                kind,
                starts_at: at(
                    self.today + Duration::days(days),
                    hour,
                    if k % 2 == 0 { 0 } else { 30 },
                ),
                duration_minutes: if kind == Kind::Group { 90 } else { 45 },
                place,
                with_whom,
                what_to_bring: bring,
                status,
            };
            db::insert_appointment(conn, self.id, &appointment).await?;
        }
        Ok(())
    }

    fn case_manager_name(&self) -> &'static str {
        CASE_MANAGERS[self.index % CASE_MANAGERS.len()].0
    }

    async fn referrals(
        &self,
        conn: &mut AnyConnection,
        services: &[String],
    ) -> Result<(), DemoError> {
        for k in 0..2 {
            let which = (self.index * 3 + k * 5) % SERVICES.len();
            let status = ReferralStatus::ALL[(self.index * 2 + k) % ReferralStatus::ALL.len()];
            let updated_on = self.today - Duration::days((self.index * 3 + k * 11) as i64 % 40);
            let sent = status != ReferralStatus::Suggested;
            let referral = NewReferral {
                service_id: &services[which],
                domain: SERVICES[which].domain,
                status,
                next_step: status.is_open().then_some(SERVICES[which].next_step),
                updated_on,
                contact_name: sent.then_some(CONTACTS[which % CONTACTS.len()]),
                contact_phone: sent.then_some(SERVICES[which].phone),
                made_on: sent.then_some(updated_on),
                // Two weeks after the last change: some are past, and the caseload asks.
                follow_up_on: status
                    .awaits_follow_up()
                    .then_some(updated_on + Duration::days(14)),
            };
            let id = db::insert_referral(conn, self.id, &referral).await?;
            if sent && k == 1 {
                let plain = |text: &str| {
                    PlainText::parse(text, SERVICE_NOTE_MAX_CHARS)
                        .map_err(|e| DemoError::Rule(e.to_string()))
                };
                let handover = ServiceHandoverFields {
                    note: plain(
                        "Sent the referral form. Told them about the client's goal in this part \
                         of life and the best times to call.",
                    )?,
                    shared_what: plain("Name, phone number, and the goal in this part of life")?,
                    shared_with: plain(&format!(
                        "{}, {}",
                        SERVICES[which].name,
                        CONTACTS[which % CONTACTS.len()]
                    ))?,
                    purpose: plain("To start the service")?,
                    agreed_on: updated_on,
                    expires_on: updated_on + Duration::days(180),
                };
                let id = RecordId::parse(&id)
                    .ok_or_else(|| DemoError::Rule("a referral's id is not an id".into()))?;
                db::insert_service_handover(
                    conn,
                    self.id,
                    &id,
                    &handover,
                    self.case_manager,
                    self.now,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// A review for most clients: some due soon, some overdue, some later; the rest have
    /// none yet, so their first comes 90 days after their first plan.
    async fn review(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        let (days_ago, next_in) = match self.index % 4 {
            1 => (80, 10),
            2 => (30, 60),
            3 => (100, -10),
            _ => return Ok(()),
        };
        let mut took_part = vec![ReviewParticipant::Client, ReviewParticipant::CaseManager];
        let other_services = self.index.is_multiple_of(3).then(|| {
            took_part.push(ReviewParticipant::OtherService);
            "Northside Housing Help".to_owned()
        });
        let review = ReviewFields {
            reviewed_on: self.today - Duration::days(days_ago),
            took_part,
            other_services,
            what_reviewed: "Went through each goal together: what is working, what is stuck."
                .to_owned(),
            what_changed: Some("Added a housing step; the job search can wait a month.".to_owned()),
            next_review_on: self.today + Duration::days(next_in),
        };
        db::insert_review(conn, self.id, &review, self.case_manager, self.now).await?;
        Ok(())
    }

    /// An assessment two months ago and, for every other client, a second one since, so
    /// the two can be compared.
    async fn assessments(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        let rounds: &[i64] = if self.index.is_multiple_of(2) {
            &[60, 10]
        } else {
            &[60]
        };
        for (round, days_ago) in rounds.iter().enumerate() {
            let areas = LifeDomain::ALL
                .iter()
                .enumerate()
                .map(|(k, &area)| {
                    // Needs ease a little by the second round.
                    let level = (self.index + k * 3 + 2 - round.min(1)) % Need::ALL.len();
                    let need = Need::ALL[level.min(Need::ALL.len() - 1)];
                    AreaAssessment {
                        area,
                        need,
                        strengths: (k % 3 == 0)
                            .then(|| "Keeps going even on hard days.".to_owned()),
                        own_words: need
                            .is_a_need()
                            .then(|| "I want to sort this out this year.".to_owned()),
                        staff_notes: (need == Need::Urgent)
                            .then(|| "Follow up at the next visit.".to_owned()),
                    }
                })
                .collect();
            let assessment = AssessmentFields {
                assessed_on: self.today - Duration::days(*days_ago),
                areas,
            };
            db::insert_assessment(conn, self.id, &assessment, self.case_manager, self.now).await?;
        }
        Ok(())
    }

    /// Some clients' notes stop earlier, so "last contact" differs across the caseload.
    /// A safety plan for every third client: written with the case manager, then added to
    /// by the client (so it has a history); the rest have none yet.
    async fn safety_plan(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        if !self.index.is_multiple_of(3) {
            return Ok(());
        }
        let mut parts = SafetyPlanParts {
            warning_signs: "I stop answering my phone. I sleep a lot and skip meals.".into(),
            triggers: "Paydays. Running into people from before. Arguments at home.".into(),
            coping: "Go for a walk by the river. Music with headphones. A hot shower.".into(),
            helpers: vec![Helper {
                name: "My sister".into(),
                phone: Some("416-555-0148".into()),
            }],
            places: "The community centre on Queen Street (open every afternoon). The library."
                .into(),
            naloxone: "Kit in my backpack's front pocket. My sister knows how to use it.".into(),
        };
        let over = (0, true);
        db::save_safety_plan(conn, self.id, &parts, over, self.case_manager, self.now).await?;
        parts.helpers.push(Helper {
            name: "Peer group line".into(),
            phone: Some("555-0123".into()),
        });
        db::save_safety_plan(conn, self.id, &parts, (1, true), self.id, self.now).await?;
        Ok(())
    }

    /// Ideas the client sent: for every third client a step waiting on their first goal, and
    /// for the next a goal their case manager answered.
    async fn suggestions(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        let at = self.now - Duration::days(2);
        match self.index % 3 {
            0 => {
                let goal: String = sqlx::query_scalar(
                    "SELECT g.id FROM goals g JOIN support_plans sp ON sp.id = g.plan_id
                     WHERE sp.client_id = $1 ORDER BY g.position LIMIT 1",
                )
                .bind(self.id)
                .fetch_one(&mut *conn)
                .await
                .map_err(DbError::from)?;
                let goal = RecordId::parse(&goal)
                    .ok_or_else(|| DemoError::Rule("a goal's id is not an id".into()))?;
                let text = "Ask the pharmacy about a reminder for my dose";
                db::record_suggestion(conn, self.id, Some(&goal), text, "demo-step", at).await?;
            }
            1 => {
                let text = "Get back in touch with my brother";
                db::record_suggestion(conn, self.id, None, text, "demo-goal", at).await?;
                let id: String =
                    sqlx::query_scalar("SELECT id FROM plan_suggestions WHERE client_id = $1")
                        .bind(self.id)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(DbError::from)?;
                let id = RecordId::parse(&id)
                    .ok_or_else(|| DemoError::Rule("a suggestion's id is not an id".into()))?;
                let answer =
                    "A good one. Let's talk about it at your next visit and plan it together.";
                let answered = (app::domain::SuggestionState::Answered, Some(answer));
                db::settle_suggestion(conn, self.id, &id, answered, self.case_manager, self.now)
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Messages with the care team: for every third client (from the third) one waiting,
    /// and for every fourth (from the fourth) a question their case manager answered.
    async fn messages(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        use app::domain::Sender;
        let client = (Sender::Client, self.id);
        let own = (self.id, db::Conversation::Own);
        if self.index % 3 == 2 {
            let text = "Hi, my ride fell through for Friday. Can I come Monday instead?";
            let at = self.now - Duration::hours(3);
            db::record_message(conn, own, client, text, "demo-waiting", at).await?;
        }
        if self.index % 4 == 3 {
            let asked = self.now - Duration::days(3);
            let text = "Is there a group I can go to in the evenings?";
            db::record_message(conn, own, client, text, "demo-asked", asked).await?;
            let answered = asked + Duration::hours(2);
            let team = (Sender::Team, self.case_manager);
            let text = "Yes. The evening peer groups are on your Support page. Ask me if you want to go together.";
            db::record_message(conn, own, team, text, "demo-answer", answered).await?;
            db::mark_messages_read(conn, own, Sender::Team, answered).await?;
            db::mark_messages_read(conn, own, Sender::Client, answered).await?;
            db::mark_messages_handled(conn, own, self.case_manager, answered).await?;
        }
        Ok(())
    }

    /// A year of the past: a weekly meeting with the case manager, each confirmed by the
    /// client two evenings before, looked up and marked attended (now and then missed) by
    /// the case manager, with the audit entries of all three; the care `team` has seen the
    /// check-ins. Written many rows a statement: 100,000 clients make 5.2 million
    /// appointments and check-ins and 15.6 million audit entries.
    async fn history(
        &self,
        conn: &mut AnyConnection,
        (key, organisation_id): (&db::AuditKey, &str),
        team: &[&str],
    ) -> Result<(), DemoError> {
        let zone: chrono_tz::Tz = TIME_ZONE.parse().unwrap_or(chrono_tz::UTC);
        let instant = |local: NaiveDateTime| {
            local
                .and_local_timezone(zone)
                .earliest()
                .map_or(local.and_utc(), |t| t.with_timezone(&Utc))
        };
        let pharmacy = PHARMACIES[self.index % PHARMACIES.len()];
        let (place, with_whom, bring) =
            appointment_details(Kind::CaseManagement, pharmacy, self.case_manager_name());
        let hour = 9 + (self.index % 7) as u32;
        let weeks: Vec<i64> = (1..=HISTORY_WEEKS).rev().collect();
        let appointments: Vec<NewAppointment> = weeks
            .iter()
            .map(|week| NewAppointment {
                kind: Kind::CaseManagement,
                starts_at: at(self.today - Duration::weeks(*week), hour, 0),
                duration_minutes: 45,
                place,
                with_whom,
                what_to_bring: bring,
                status: match (self.index as i64 + week) % 9 {
                    0 => Status::Missed,
                    _ => Status::Attended,
                },
            })
            .collect();
        let ids = db::insert_past_appointments(conn, self.id, &appointments).await?;
        let mut confirmations = Vec::new();
        let mut entries = Vec::new();
        let client = (self.id, Role::Client);
        let case_manager = (self.case_manager, Role::CaseManager);
        for ((id, appointment), week) in ids.iter().zip(&appointments).zip(&weeks) {
            let day = appointment.starts_at.date();
            let confirmed_at = instant(at(day - Duration::days(2), 19, 15));
            confirmations.push(db::PastConfirmation {
                appointment_id: id,
                idempotency_key: format!("history-{week}"),
                at: confirmed_at,
            });
            let starts_at = instant(appointment.starts_at);
            for (who, action, when) in [
                (client, "check_in.record", confirmed_at),
                (
                    case_manager,
                    "read.client_record",
                    starts_at - Duration::minutes(5),
                ),
                (
                    case_manager,
                    "appointment.status",
                    starts_at + Duration::hours(1),
                ),
            ] {
                let entry = db::AuditEvent {
                    actor_id: Some(who.0.to_owned()),
                    actor_role: Some(who.1.code().to_owned()),
                    action,
                    client_id: Some(self.id.to_owned()),
                    target: Some(id.clone()),
                    address: None,
                    outcome: db::Outcome::Allowed,
                    organisation_id: Some(organisation_id.to_owned()),
                };
                entries.push((entry, when));
            }
        }
        db::insert_past_confirmations(conn, self.id, &confirmations).await?;
        db::record_past_audit(conn, key, &entries).await?;
        for case_manager in team {
            db::mark_check_ins_seen(conn, case_manager, self.id, self.now).await?;
        }
        Ok(())
    }

    async fn case_notes(&self, conn: &mut AnyConnection) -> Result<(), DemoError> {
        let written = CASE_NOTES.len() - self.index % 3;
        for (days_ago, kind, text) in CASE_NOTES.into_iter().take(written) {
            let note = CaseNoteFields {
                kind,
                contact_on: self.today - Duration::days(days_ago),
                text: text.to_owned(),
            };
            db::insert_case_note(conn, self.id, &note, self.case_manager, self.now).await?;
        }
        Ok(())
    }
}

/// Weeks of history a client past the thirty demo people has (`--history`).
const HISTORY_WEEKS: i64 = 52;

/// (days ago, kind, text) of the notes a demo client's case manager has written.
const CASE_NOTES: [(i64, ContactKind, &str); 4] = [
    (
        40,
        ContactKind::InPerson,
        "Met at the clinic. Went through the plan together; housing is the main worry.",
    ),
    (
        25,
        ContactKind::OtherService,
        "Spoke with the housing worker about the waiting list. With consent on file.",
    ),
    (
        12,
        ContactKind::NoAnswer,
        "Called to check in. No answer; left no message.",
    ),
    (
        9,
        ContactKind::Phone,
        "Called back. Doing well, picked up doses all week, asked about the peer group.",
    ),
];

/// Where an appointment of this kind happens, with whom, and what to bring.
fn appointment_details(
    kind: Kind,
    pharmacy: &'static str,
    case_manager: &'static str,
) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    const CLINIC: &str = "Riverside Community Health, 45 River Road";
    match kind {
        Kind::Dosing => (pharmacy, None, Some("Photo ID")),
        Kind::Prescriber => (
            CLINIC,
            Some("Dr. Lee"),
            Some("Your list of other medicines"),
        ),
        Kind::Counselling => ("45 River Road, Suite 4", Some("Jo, your counsellor"), None),
        Kind::Group => ("77 Elm Avenue, room B", Some("Tuesday peer circle"), None),
        Kind::CaseManagement => (
            CLINIC,
            Some(case_manager),
            Some("Any letters you got this month"),
        ),
        Kind::MedicalCheck => (CLINIC, Some("Clinic nurse"), Some("Health card")),
        Kind::MentalHealth => (
            "Steady Steps Counselling, 45 River Road",
            Some("Dr. Osei"),
            None,
        ),
        Kind::Legal => (
            "Bridges Legal Clinic, 300 Queen Street",
            Some("Legal aid worker"),
            Some("Court papers"),
        ),
        Kind::Housing => (
            "Northside Housing Help, 18 King Street",
            Some("Housing worker"),
            Some("Photo ID and proof of income"),
        ),
        Kind::Vocational => (
            "Fresh Start Job Centre, 12 Market Square",
            Some("Job coach"),
            Some("Your resume, if you have one"),
        ),
        Kind::Other => (CLINIC, None, None),
    }
}
