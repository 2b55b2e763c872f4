"""Norwegian names for every fixed code a person may read: one home for pages, fragments, exports and the CLI."""

from __future__ import annotations


def N_(text: str) -> str:
    """Marks a name for the translators' catalogue (`make messages`); the pages translate it where they show it."""
    return text


# The roles people act in (domain.common.ROLES).
ROLE_NAMES = {
    "caseworker": N_("Saksbehandler"),
    "tenant_admin": N_("Administrator"),
    "auditor": N_("Revisor"),
    "network": N_("Ombudsnettverket"),
    "platform_admin": N_("Plattformadministrator"),
    "citizen": N_("Innbygger (nettskjema)"),
    "system": N_("Systemet"),
}
# How an inquiry came in (domain.inquiry.CHANNELS).
CHANNEL_NAMES = {
    "phone": N_("Telefon"),
    "email": N_("E-post"),
    "letter": N_("Brev"),
    "web": N_("Nettskjema"),
    "in_person": N_("Oppmøte"),
    "digital_mail": N_("Digital post"),
    "other": N_("Annet"),
}
# Who turned to the office (domain.inquiry.REQUESTER_ROLES).
REQUESTER_ROLE_NAMES = {
    "user": N_("Tjenestemottaker"),
    "relative": N_("Pårørende"),
    "guardian": N_("Verge"),
    "representative": N_("Fullmektig"),
    "employee": N_("Ansatt"),
    "other": N_("Annet"),
    "not_stated": N_("Ikke oppgitt"),
}
# Where an inquiry was forwarded (domain.inquiry.FORWARD_BODIES).
FORWARD_BODY_NAMES = {
    "patient_ombud": N_("Pasient- og brukerombudet"),
    "county_governor": N_("Statsforvalteren"),
    "parliamentary_ombud": N_("Sivilombudet"),
    "nav": N_("NAV"),
    "legal_aid": N_("Fri rettshjelp"),
    "other": N_("Annet"),
}
# Whom a complaint went to (domain.inquiry.COMPLAINT_RECIPIENTS).
COMPLAINT_RECIPIENT_NAMES = {
    "county_governor": N_("Statsforvalteren"),
    "service_unit": N_("Tjenestestedet"),
    "appeals_board": N_("Klagenemnda"),
    "other": N_("Annet"),
}
# How a complaint was decided (domain.inquiry.COMPLAINT_OUTCOMES).
COMPLAINT_OUTCOME_NAMES = {
    "upheld": N_("Medhold"),
    "partly_upheld": N_("Delvis medhold"),
    "rejected": N_("Ikke medhold"),
    "withdrawn": N_("Trukket"),
}
# How an inquiry ended (domain.inquiry.RESOLUTION_OUTCOMES).
RESOLUTION_OUTCOME_NAMES = {
    "assisted": N_("Bistått"),
    "guided": N_("Veiledet"),
    "referred": N_("Henvist"),
    "outside_mandate": N_("Utenfor mandat"),
    "withdrawn": N_("Trukket"),
    "other": N_("Annet"),
}
# Who took part in a meeting (domain.inquiry.MEETING_PARTICIPANTS).
PARTICIPANT_NAMES = {
    "ombud": N_("Ombudet"),
    "adviser": N_("Rådgiver"),
    "requester": N_("Innbyggeren"),
    "relative": N_("Pårørende"),
    "service_unit": N_("Tjenestestedet"),
    "management": N_("Ledelsen"),
    "other": N_("Andre"),
}
# Kinds of outreach (domain.outreach.KINDS).
OUTREACH_KIND_NAMES = {
    "information_meeting": N_("Informasjonsmøte"),
    "talk": N_("Foredrag"),
    "course": N_("Kurs"),
    "stand": N_("Stand"),
    "media": N_("Medieoppslag"),
    "other": N_("Annet"),
}
# Which taxonomy version the statistics count each inquiry under (projections/annual_report.py).
TAXONOMY_BASIS_NAMES = {
    "in_force_at_receipt": N_("den som gjaldt da henvendelsen kom inn"),
    "reprojected": N_("omregnet"),
}

# Every group of names by what it names: the pages get them translated as the template global `names`.
GROUPS = {
    "roles": ROLE_NAMES,
    "channels": CHANNEL_NAMES,
    "requester_roles": REQUESTER_ROLE_NAMES,
    "forward_bodies": FORWARD_BODY_NAMES,
    "complaint_recipients": COMPLAINT_RECIPIENT_NAMES,
    "complaint_outcomes": COMPLAINT_OUTCOME_NAMES,
    "resolution_outcomes": RESOLUTION_OUTCOME_NAMES,
    "participants": PARTICIPANT_NAMES,
    "outreach_kinds": OUTREACH_KIND_NAMES,
    "taxonomy_bases": TAXONOMY_BASIS_NAMES,
}

# The codes of an inquiry and of outreach in one mapping, for tables that mix them (statistics, reports, the
# timeline): where two groups share a code they give it the same name, except «other» among participants.
CODE_NAMES = {
    **PARTICIPANT_NAMES,
    **CHANNEL_NAMES,
    **REQUESTER_ROLE_NAMES,
    **FORWARD_BODY_NAMES,
    **COMPLAINT_RECIPIENT_NAMES,
    **COMPLAINT_OUTCOME_NAMES,
    **RESOLUTION_OUTCOME_NAMES,
    **OUTREACH_KIND_NAMES,
}


def name_of(code: str) -> str:
    """A fixed code as a person reads it (errors name the choices this way); an unknown value shows as itself."""
    return CODE_NAMES.get(code) or ROLE_NAMES.get(code) or TAXONOMY_BASIS_NAMES.get(code) or code


def role_name(role: str) -> str:
    """A role as a person reads it; an unknown role (never stored by the domain) shows as itself."""
    return ROLE_NAMES.get(role, role)
