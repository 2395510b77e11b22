/* alta-demo-records.c: the demo clinic's clinical records, as one FHIR R4 transaction Bundle
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-demo-records"

#include "config.h"

#include <json-glib/json-glib.h>

#include "alta-demo-records.h"
#include "alta-fhir-json.h"

#define SYSTEM_CVX              "http://hl7.org/fhir/sid/cvx"
#define SYSTEM_LANGUAGE         "urn:ietf:bcp:47"
#define SYSTEM_LOINC            "http://loinc.org"
#define SYSTEM_NPI              "http://hl7.org/fhir/sid/us-npi"
#define SYSTEM_NUCC             "http://nucc.org/provider-taxonomy"
#define SYSTEM_RXNORM           "http://www.nlm.nih.gov/research/umls/rxnorm"
#define SYSTEM_SNOMED           "http://snomed.info/sct"
#define SYSTEM_UCUM             "http://unitsofmeasure.org"
#define SYSTEM_SERVICE_CATEGORY "https://myaltamed.net/fhir/CodeSystem/service-category"
#define SYSTEM_TASK_TYPE        "https://myaltamed.net/fhir/CodeSystem/task-type"
#define SYSTEM_HL7              "http://terminology.hl7.org/CodeSystem/"
#define SYSTEM_ALLERGY_CLINICAL SYSTEM_HL7 "allergyintolerance-clinical"
#define SYSTEM_ALLERGY_VERIFIED SYSTEM_HL7 "allergyintolerance-verification"
#define SYSTEM_CONDITION_CATEGORY SYSTEM_HL7 "condition-category"
#define SYSTEM_CONDITION_CLINICAL SYSTEM_HL7 "condition-clinical"
#define SYSTEM_CONDITION_VERIFIED SYSTEM_HL7 "condition-ver-status"
#define SYSTEM_INTERPRETATION   SYSTEM_HL7 "v3-ObservationInterpretation"
#define SYSTEM_OBSERVATION_CATEGORY SYSTEM_HL7 "observation-category"
#define SYSTEM_ORGANIZATION_TYPE SYSTEM_HL7 "organization-type"
#define SYSTEM_REPORT_CATEGORY  SYSTEM_HL7 "v2-0074"

#define DAY             (G_GINT64_CONSTANT (86400))
#define HOUR            (G_GINT64_CONSTANT (3600))
#define SLOT_DAYS       30    /* free slots for this many days after today */
#define BOOKED_DAY      5     /* upcoming appointments, the first weekday this many days on */
#define CLINIC_ZONE     "America/Los_Angeles"   /* the clinics' hours are in their time */
#define NO_LIMIT        (-1.0)
#define RANDOM_SEED     20260311u

/* The clinic directory */

enum
{
  EASTSIDE_CLINIC,
  PASADENA_DENTAL,
  N_LOCATIONS
};

typedef struct
{
  const char *name;
  const char *line;
  const char *city;
  const char *postal_code;
  const char *phone;
} DemoLocation;

static const DemoLocation demo_locations[N_LOCATIONS] = {
  { "MyAltaMed Eastside Clinic", "3945 Whittier Boulevard", "Los Angeles", "90023",
    "(323) 555-0110" },
  { "MyAltaMed Pasadena Dental", "1860 East Colorado Boulevard", "Pasadena", "91107",
    "(626) 555-0120" },
};

enum
{
  FAMILY_DOCTOR,
  PEDIATRICIAN,
  NURSE_PRACTITIONER,
  DENTIST,
  N_PRACTITIONERS
};

typedef struct
{
  const char *given;
  const char *middle;     /* NULL: none */
  const char *family;
  const char *suffix;
  const char *gender;
  const char *npi;
  const char *taxonomy;   /* NUCC provider taxonomy */
  const char *taxonomy_display;
  gboolean    speaks_spanish;
  int         location;
  const char *service;    /* their Schedule's service category */
} DemoPractitioner;

static const DemoPractitioner demo_practitioners[N_PRACTITIONERS] = {
  { "Ana", "Lucía", "Torres", "MD", "female", "1942000017", "207Q00000X",
    "Family Medicine Physician", TRUE, EASTSIDE_CLINIC, "medical" },
  { "David", NULL, "Kim", "MD", "male", "1942000025", "208000000X",
    "Pediatrics Physician", FALSE, EASTSIDE_CLINIC, "medical" },
  { "Rosa", NULL, "Delgado", "NP", "female", "1942000033", "363L00000X",
    "Nurse Practitioner", TRUE, EASTSIDE_CLINIC, "medical" },
  { "Samuel", NULL, "Okafor", "DDS", "male", "1942000041", "122300000X",
    "Dentist", FALSE, PASADENA_DENTAL, "dental" },
};

/* What each kind of demo patient gets; a key not listed gets no records. */
typedef struct
{
  const char *key;
  int         clinician;     /* orders labs and medicines, answers messages */
  int         vaccinator;
  int         flu_seasons;   /* the last autumns with a flu shot; -1: every one from 6 months */
} DemoKind;

static const DemoKind demo_kinds[] = {
  { "adult", FAMILY_DOCTOR, NURSE_PRACTITIONER, 3 },
  { "spanish", NURSE_PRACTITIONER, NURSE_PRACTITIONER, 3 },
  { "parent", FAMILY_DOCTOR, NURSE_PRACTITIONER, 3 },
  { "child", PEDIATRICIAN, PEDIATRICIAN, -1 },
  { "teen", PEDIATRICIAN, PEDIATRICIAN, 0 },
  { "enroll", FAMILY_DOCTOR, NURSE_PRACTITIONER, 1 },
};

/* Care teams. Free text is in the patient's language. */
typedef struct
{
  const char *key;
  const char *name;
  int         members[2];
  const char *roles[2];
} DemoCareTeam;

static const DemoCareTeam demo_care_teams[] = {
  { "adult", "Primary care team", { FAMILY_DOCTOR, NURSE_PRACTITIONER },
    { "Primary care doctor", "Nurse practitioner" } },
  { "spanish", "Equipo de atención primaria", { NURSE_PRACTITIONER, FAMILY_DOCTOR },
    { "Enfermera practicante de cabecera", "Médica de familia" } },
  { "parent", "Primary care team", { FAMILY_DOCTOR, DENTIST },
    { "Primary care doctor", "Dentist" } },
  { "child", "Pediatric care team", { PEDIATRICIAN, NURSE_PRACTITIONER },
    { "Pediatrician", "Nurse practitioner" } },
};

/* Allergies (SNOMED CT substances and reactions) */
typedef struct
{
  const char *key;
  const char *category;
  const char *criticality;
  const char *substance;
  const char *substance_display;
  const char *substance_text;
  const char *reaction;
  const char *reaction_display;
  const char *reaction_text;
  const char *description;
  const char *severity;
  int         recorded_days_ago;
} DemoAllergy;

static const DemoAllergy demo_allergies[] = {
  { "adult", "medication", "high", "764146007", "Penicillin", "Penicillin",
    "126485001", "Urticaria", "Hives",
    "Hives all over the body after a penicillin shot as a teenager.", "moderate", 2900 },
  { "adult", "food", "high", "762952008", "Peanut", "Peanuts",
    "39579001", "Anaphylaxis", "Anaphylaxis",
    "Throat swelling and trouble breathing after eating peanuts; carries an epinephrine "
    "auto-injector.", "severe", 2900 },
  { "spanish", "medication", "low", "387406002", "Sulfonamide", "Sulfas (sulfonamidas)",
    "271807003", "Eruption of skin", "Sarpullido",
    "Sarpullido leve en los brazos con un antibiótico de sulfa.", "mild", 3300 },
  { "child", "food", "low", "102263004", "Eggs (edible)", "Eggs",
    "422400008", "Vomiting", "Vomiting",
    "Vomited twice after eating scrambled eggs.", "mild", 1600 },
};

/* Problems (SNOMED CT) */
typedef struct
{
  const char *key;
  const char *code;
  const char *display;
  const char *text;
  int         onset_days_ago;
  int         abated_days_ago;  /* 0: still active */
  const char *note;             /* NULL: none */
} DemoCondition;

static const DemoCondition demo_conditions[] = {
  { "adult", "44054006", "Type 2 diabetes mellitus", "Type 2 diabetes", 1500, 0,
    "Managing with metformin, diet and daily walks." },
  { "adult", "59621000", "Essential hypertension", "High blood pressure", 1100, 0, NULL },
  { "adult", "10509002", "Acute bronchitis", "Chest cold (acute bronchitis)", 420, 395, NULL },
  { "spanish", "40930008", "Hypothyroidism", "Hipotiroidismo", 2900, 0,
    "Controlado con levotiroxina; revisar la TSH cada tres meses." },
  { "spanish", "59621000", "Essential hypertension", "Presión arterial alta", 3600, 0, NULL },
  { "spanish", "279039007", "Low back pain", "Dolor de la parte baja de la espalda", 330, 270,
    NULL },
  { "parent", "367498001", "Seasonal allergic rhinitis", "Seasonal allergies (hay fever)", 2200,
    0, NULL },
  { "child", "65363002", "Otitis media", "Ear infection", 510, 496, NULL },
  { "child", "195967001", "Asthma", "Asthma", 900, 0,
    "Mild, set off by colds; albuterol inhaler at school as needed." },
  { "teen", "44465007", "Sprain of ankle", "Sprained ankle", 210, 180, NULL },
  { "enroll", "87522002", "Iron deficiency anemia", "Anemia por falta de hierro", 450, 0, NULL },
};

/* Medicines (RxNorm) */
typedef struct
{
  const char *key;
  const char *code;
  const char *display;
  const char *text;
  const char *dosage;
  const char *status;
  const char *status_reason;  /* stopped only */
  int         refills;
  int         quantity;
  const char *unit;           /* UCUM */
  const char *unit_display;
  int         supply_days;
  int         authored_days_ago;
  const char *reason;         /* the SNOMED CT code of one of the patient's problems */
  const char *note;           /* NULL: none */
} DemoMedication;

static const DemoMedication demo_medications[] = {
  { "adult", "861007", "metformin hydrochloride 500 MG Oral Tablet", "Metformin 500 mg tablet",
    "Take 1 tablet by mouth twice a day with meals", "active", NULL, 3, 180, "{tbl}", "tablet",
    90, 120, "44054006", NULL },
  { "adult", "314076", "lisinopril 10 MG Oral Tablet", "Lisinopril 10 mg tablet",
    "Take 1 tablet by mouth once a day", "active", NULL, 0, 90, "{tbl}", "tablet", 90, 95,
    "59621000", "No refills left: ask at your next visit." },
  { "adult", "617310", "atorvastatin 20 MG Oral Tablet", "Atorvastatin 20 mg tablet",
    "Take 1 tablet by mouth once a day at bedtime", "stopped",
    "Stopped because of muscle aches; we will try a different cholesterol medicine.", 2, 90,
    "{tbl}", "tablet", 90, 410, "44054006", NULL },
  { "spanish", "197361", "amlodipine 5 MG Oral Tablet", "Amlodipino 5 mg tableta",
    "Tome 1 tableta por la boca una vez al día", "active", NULL, 5, 90, "{tbl}", "tablet", 90,
    200, "59621000", NULL },
  { "spanish", "966222", "levothyroxine sodium 0.075 MG Oral Tablet",
    "Levotiroxina 75 mcg tableta",
    "Tome 1 tableta por la boca una vez al día, en ayunas, 30 minutos antes del desayuno",
    "active", NULL, 3, 90, "{tbl}", "tablet", 90, 110, "40930008",
    "Tómela con agua, no con café ni con leche." },
  { "spanish", "310965", "ibuprofen 200 MG Oral Tablet", "Ibuprofeno 200 mg tableta",
    "Tome 2 tabletas por la boca cada 8 horas si tiene dolor, con comida", "stopped",
    "Se suspendió porque el dolor de espalda se quitó.", 0, 60, "{tbl}", "tablet", 10, 330,
    "279039007", NULL },
  { "parent", "1014678", "cetirizine hydrochloride 10 MG Oral Tablet", "Cetirizine 10 mg tablet",
    "Take 1 tablet by mouth once a day during allergy season", "active", NULL, 2, 90, "{tbl}",
    "tablet", 90, 150, "367498001", NULL },
  { "child", "308189", "amoxicillin 80 MG/ML Oral Suspension",
    "Amoxicillin 400 mg per 5 mL liquid", "Give 5 mL by mouth twice a day for 10 days",
    "completed", NULL, 0, 100, "mL", "mL", 10, 510, "65363002", NULL },
  { "child", "745679", "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
    "Albuterol inhaler (90 mcg per puff)",
    "Give 2 puffs by mouth every 4 hours as needed for wheezing, with the spacer", "active",
    NULL, 2, 1, "{inhaler}", "inhaler", 30, 300, "195967001",
    "One inhaler at home and one at school." },
};

/* Vaccines (CVX) */
enum
{
  VACCINE_HEPB,
  VACCINE_ROTAVIRUS,
  VACCINE_DTAP,
  VACCINE_HIB,
  VACCINE_PCV13,
  VACCINE_IPV,
  VACCINE_MMR,
  VACCINE_VARICELLA,
  VACCINE_HEPA,
  VACCINE_FLU,
  VACCINE_TDAP,
  VACCINE_COVID,
  VACCINE_ZOSTER,
  VACCINE_PPSV23,
  VACCINE_MENACWY,
  N_VACCINES
};

typedef struct
{
  const char *code;
  const char *display;
  const char *text_en;
  const char *text_es;
} DemoVaccine;

static const DemoVaccine demo_vaccines[N_VACCINES] = {
  { "08", "Hep B, adolescent or pediatric", "Hepatitis B", "Hepatitis B" },
  { "119", "rotavirus, monovalent", "Rotavirus", "Rotavirus" },
  { "20", "DTaP", "DTaP (diphtheria, tetanus, whooping cough)",
    "DTaP (difteria, tétanos y tos ferina)" },
  { "48", "Hib (PRP-T)", "Hib (Haemophilus influenzae type b)",
    "Hib (Haemophilus influenzae tipo b)" },
  { "133", "Pneumococcal conjugate PCV 13", "Pneumococcal (PCV13)", "Neumocócica (PCV13)" },
  { "10", "IPV", "Polio (IPV)", "Polio (IPV)" },
  { "03", "MMR", "MMR (measles, mumps, rubella)", "MMR (sarampión, paperas y rubéola)" },
  { "21", "varicella", "Chickenpox (varicella)", "Varicela" },
  { "83", "Hep A, ped/adol, 2 dose", "Hepatitis A", "Hepatitis A" },
  { "140", "Influenza, seasonal, injectable, preservative free", "Flu shot (influenza)",
    "Vacuna contra la gripe (influenza)" },
  { "115", "Tdap", "Tdap (tetanus, diphtheria, whooping cough)",
    "Tdap (tétanos, difteria y tos ferina)" },
  { "208", "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose", "COVID-19", "COVID-19" },
  { "187", "zoster recombinant", "Shingles (recombinant zoster)",
    "Herpes zóster (culebrilla), recombinante" },
  { "33", "pneumococcal polysaccharide vaccine, 23 valent", "Pneumococcal (PPSV23)",
    "Neumocócica (PPSV23)" },
  { "114", "meningococcal MCV4P", "Meningococcal (MenACWY)", "Meningocócica (MenACWY)" },
};

/* Shots given at an age: the US childhood schedule, and the teen's */
typedef struct
{
  const char *key;
  int         vaccine;
  int         age_months;
  int         dose;
} DemoScheduledShot;

static const DemoScheduledShot demo_scheduled_shots[] = {
  { "child", VACCINE_HEPB, 0, 1 },
  { "child", VACCINE_HEPB, 1, 2 },
  { "child", VACCINE_ROTAVIRUS, 2, 1 },
  { "child", VACCINE_DTAP, 2, 1 },
  { "child", VACCINE_HIB, 2, 1 },
  { "child", VACCINE_PCV13, 2, 1 },
  { "child", VACCINE_IPV, 2, 1 },
  { "child", VACCINE_ROTAVIRUS, 4, 2 },
  { "child", VACCINE_DTAP, 4, 2 },
  { "child", VACCINE_HIB, 4, 2 },
  { "child", VACCINE_PCV13, 4, 2 },
  { "child", VACCINE_IPV, 4, 2 },
  { "child", VACCINE_HEPB, 6, 3 },
  { "child", VACCINE_DTAP, 6, 3 },
  { "child", VACCINE_HIB, 6, 3 },
  { "child", VACCINE_PCV13, 6, 3 },
  { "child", VACCINE_IPV, 6, 3 },
  { "child", VACCINE_HIB, 12, 4 },
  { "child", VACCINE_PCV13, 12, 4 },
  { "child", VACCINE_MMR, 12, 1 },
  { "child", VACCINE_VARICELLA, 12, 1 },
  { "child", VACCINE_HEPA, 12, 1 },
  { "child", VACCINE_DTAP, 15, 4 },
  { "child", VACCINE_HEPA, 18, 2 },
  { "child", VACCINE_DTAP, 54, 5 },
  { "child", VACCINE_IPV, 54, 4 },
  { "child", VACCINE_MMR, 54, 2 },
  { "child", VACCINE_VARICELLA, 54, 2 },
  { "teen", VACCINE_TDAP, 132, 1 },
  { "teen", VACCINE_MENACWY, 132, 1 },
};

/* Adults' shots, some days ago; flu shots come from DemoKind.flu_seasons */
typedef struct
{
  const char *key;
  int         vaccine;
  int         days_ago;
  int         dose;
} DemoShot;

static const DemoShot demo_shots[] = {
  { "adult", VACCINE_TDAP, 1520, 1 },
  { "adult", VACCINE_COVID, 430, 1 },
  { "spanish", VACCINE_TDAP, 2150, 1 },
  { "spanish", VACCINE_PPSV23, 1010, 1 },
  { "spanish", VACCINE_ZOSTER, 820, 1 },
  { "spanish", VACCINE_ZOSTER, 700, 2 },
  { "spanish", VACCINE_COVID, 410, 1 },
  { "parent", VACCINE_TDAP, 1840, 1 },
  { "parent", VACCINE_COVID, 445, 1 },
};

/* Lab tests (LOINC, UCUM) */
enum
{
  TEST_WBC,
  TEST_HEMOGLOBIN,
  TEST_HEMATOCRIT,
  TEST_PLATELETS,
  TEST_GLUCOSE,
  TEST_UREA_NITROGEN,
  TEST_CREATININE,
  TEST_SODIUM,
  TEST_POTASSIUM,
  TEST_CHLORIDE,
  TEST_CARBON_DIOXIDE,
  TEST_CALCIUM,
  TEST_HBA1C,
  TEST_CHOLESTEROL,
  TEST_LDL,
  TEST_HDL,
  TEST_TRIGLYCERIDES,
  TEST_TSH,
  N_TESTS
};

typedef struct
{
  const char *code;
  const char *display;
  const char *text_en;
  const char *text_es;
  const char *unit;
  double      low;        /* NO_LIMIT: none */
  double      high;
  double      typical;
  double      spread;
  int         decimals;
} DemoLabTest;

static const DemoLabTest demo_lab_tests[N_TESTS] = {
  { "6690-2", "Leukocytes [#/volume] in Blood by Automated count", "White blood cells",
    "Glóbulos blancos", "10*3/uL", 4.5, 11.0, 6.8, 1.2, 1 },
  { "718-7", "Hemoglobin [Mass/volume] in Blood", "Hemoglobin", "Hemoglobina", "g/dL", 12.0,
    17.5, 13.9, 0.6, 1 },
  { "4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", "Hematocrit",
    "Hematocrito", "%", 36.0, 50.0, 41.5, 2.0, 1 },
  { "777-3", "Platelets [#/volume] in Blood by Automated count", "Platelets", "Plaquetas",
    "10*3/uL", 150.0, 400.0, 245.0, 40.0, 0 },
  { "2345-7", "Glucose [Mass/volume] in Serum or Plasma", "Glucose", "Glucosa", "mg/dL", 70.0,
    99.0, 88.0, 7.0, 0 },
  { "3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma", "Urea nitrogen (BUN)",
    "Nitrógeno ureico (BUN)", "mg/dL", 7.0, 20.0, 14.0, 3.0, 0 },
  { "2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "Creatinine", "Creatinina",
    "mg/dL", 0.6, 1.2, 0.88, 0.1, 2 },
  { "2951-2", "Sodium [Moles/volume] in Serum or Plasma", "Sodium", "Sodio", "mmol/L", 135.0,
    145.0, 140.0, 2.5, 0 },
  { "2823-3", "Potassium [Moles/volume] in Serum or Plasma", "Potassium", "Potasio", "mmol/L",
    3.5, 5.1, 4.2, 0.35, 1 },
  { "2075-0", "Chloride [Moles/volume] in Serum or Plasma", "Chloride", "Cloruro", "mmol/L",
    98.0, 107.0, 102.0, 2.5, 0 },
  { "2028-9", "Carbon dioxide, total [Moles/volume] in Serum or Plasma", "Carbon dioxide (CO2)",
    "Dióxido de carbono (CO2)", "mmol/L", 22.0, 29.0, 25.5, 2.0, 0 },
  { "17861-6", "Calcium [Mass/volume] in Serum or Plasma", "Calcium", "Calcio", "mg/dL", 8.6,
    10.3, 9.4, 0.3, 1 },
  { "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "Hemoglobin A1c", "Hemoglobina A1c",
    "%", 4.0, 5.6, 5.2, 0.15, 1 },
  { "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "Total cholesterol",
    "Colesterol total", "mg/dL", NO_LIMIT, 199.0, 178.0, 10.0, 0 },
  { "18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay",
    "LDL cholesterol", "Colesterol LDL", "mg/dL", NO_LIMIT, 99.0, 92.0, 8.0, 0 },
  { "2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "HDL cholesterol",
    "Colesterol HDL", "mg/dL", 40.0, NO_LIMIT, 54.0, 4.0, 0 },
  { "2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", "Triglycerides",
    "Triglicéridos", "mg/dL", NO_LIMIT, 149.0, 118.0, 15.0, 0 },
  { "3016-3", "Thyrotropin [Units/volume] in Serum or Plasma", "TSH (thyroid stimulating hormone)",
    "TSH (hormona estimulante de la tiroides)", "m[IU]/L", 0.4, 4.0, 1.9, 0.3, 2 },
};

enum
{
  PANEL_CBC,
  PANEL_BMP,
  PANEL_HBA1C,
  PANEL_LIPIDS,
  PANEL_TSH,
  N_PANELS
};

typedef struct
{
  const char *code;
  const char *display;
  const char *text_en;
  const char *text_es;
  int         tests[8];
  int         n_tests;
} DemoLabPanel;

static const DemoLabPanel demo_lab_panels[N_PANELS] = {
  { "58410-2", "CBC panel - Blood by Automated count", "Complete blood count (CBC)",
    "Hemograma completo", { TEST_WBC, TEST_HEMOGLOBIN, TEST_HEMATOCRIT, TEST_PLATELETS }, 4 },
  { "51990-0", "Basic metabolic panel - Blood", "Basic metabolic panel",
    "Panel metabólico básico",
    { TEST_GLUCOSE, TEST_UREA_NITROGEN, TEST_CREATININE, TEST_SODIUM, TEST_POTASSIUM,
      TEST_CHLORIDE, TEST_CARBON_DIOXIDE, TEST_CALCIUM }, 8 },
  { "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "Hemoglobin A1c", "Hemoglobina A1c",
    { TEST_HBA1C }, 1 },
  { "57698-3", "Lipid panel with direct LDL - Serum or Plasma", "Lipid panel", "Panel de lípidos",
    { TEST_CHOLESTEROL, TEST_LDL, TEST_HDL, TEST_TRIGLYCERIDES }, 4 },
  { "3016-3", "Thyrotropin [Units/volume] in Serum or Plasma", "Thyroid test (TSH)",
    "Prueba de tiroides (TSH)", { TEST_TSH }, 1 },
};

/* Which panels, how often: `count` reports, the newest `newest_days_ago` */
typedef struct
{
  const char *key;
  int         panel;
  int         newest_days_ago;
  int         every_days;
  int         count;
  const char *newest_status;
} DemoLabSeries;

static const DemoLabSeries demo_lab_series[] = {
  { "adult", PANEL_HBA1C, 14, 91, 8, "final" },
  { "adult", PANEL_BMP, 14, 91, 8, "final" },
  { "adult", PANEL_LIPIDS, 105, 182, 4, "final" },
  { "adult", PANEL_CBC, 105, 364, 2, "final" },
  /* Drawn yesterday, not yet released */
  { "adult", PANEL_LIPIDS, 1, 0, 1, "preliminary" },
  { "spanish", PANEL_TSH, 14, 91, 8, "final" },
  { "spanish", PANEL_BMP, 14, 91, 8, "final" },
  { "spanish", PANEL_HBA1C, 105, 364, 2, "final" },
  { "spanish", PANEL_LIPIDS, 105, 182, 4, "final" },
  { "spanish", PANEL_CBC, 105, 364, 2, "final" },
  { "parent", PANEL_LIPIDS, 30, 365, 2, "final" },
  { "parent", PANEL_CBC, 30, 365, 2, "final" },
};

/* A test's course over the last two years, instead of its typical value */
typedef struct
{
  const char *key;
  int         test;
  double      two_years_ago;
  double      today;
  double      spread;
} DemoLabTrend;

static const DemoLabTrend demo_lab_trends[] = {
  { "adult", TEST_HBA1C, 7.9, 6.8, 0.0 },
  { "adult", TEST_GLUCOSE, 166.0, 124.0, 5.0 },
  { "adult", TEST_CHOLESTEROL, 226.0, 214.0, 6.0 },
  { "adult", TEST_LDL, 148.0, 136.0, 5.0 },
  { "adult", TEST_HDL, 37.0, 43.0, 1.5 },
  { "adult", TEST_TRIGLYCERIDES, 214.0, 168.0, 10.0 },
  { "spanish", TEST_TSH, 7.2, 2.1, 0.25 },
  { "spanish", TEST_HBA1C, 5.6, 5.8, 0.05 },
  { "spanish", TEST_CREATININE, 0.95, 1.08, 0.04 },
  { "parent", TEST_CHOLESTEROL, 194.0, 206.0, 3.0 },
  { "parent", TEST_LDL, 112.0, 124.0, 3.0 },
};

/* Visits: one past, one booked in a free slot. Two patients of one clinician share the
 * booked day, so each has its own time after 10:00. */
typedef struct
{
  const char *key;
  int         practitioner;
  int         minute;
  const char *past_description;
  const char *upcoming_description;
  const char *instruction;
} DemoVisit;

static const DemoVisit demo_visits[] = {
  { "adult", FAMILY_DOCTOR, 0, "Diabetes check-up",
    "Follow-up visit: diabetes, blood pressure and cholesterol",
    "Please arrive 15 minutes early and bring your medicines." },
  { "spanish", NURSE_PRACTITIONER, 0, "Control de la presión arterial",
    "Revisión de la tiroides y de los resultados de laboratorio",
    "Por favor llegue 15 minutos antes y traiga sus medicinas." },
  { "parent", FAMILY_DOCTOR, 30, "Yearly physical exam", "Allergy follow-up visit",
    "Please arrive 15 minutes early and bring your medicines." },
};

/* Requested, not yet booked, dental visits (for next month) */
typedef struct
{
  const char *key;
  const char *description;
  const char *comment;
} DemoDentalRequest;

static const DemoDentalRequest demo_dental_requests[] = {
  { "parent", "Dental cleaning and check-up",
    "It has been over a year since my last cleaning. Mornings work best for me." },
};

/* Messages: a question, the clinician's unread answer, and an older read message */
typedef struct
{
  const char *key;
  const char *topic;
  const char *question;
  const char *answer;
  const char *old_topic;
  const char *old_message;
} DemoMessages;

static const DemoMessages demo_messages[] = {
  { "adult", "Question about my metformin",
    "Hi Dr. Torres, since I started taking metformin twice a day I sometimes feel a little sick "
    "to my stomach after breakfast. Is that normal? Should I take it differently?",
    "Hello, thank you for writing. Mild nausea is common in the first weeks on metformin. Take "
    "it in the middle of a meal rather than before it. If it lasts more than two more weeks or "
    "gets worse, let us know and we can switch you to the extended-release form. Dr. Torres",
    "Your lab results",
    "Your recent lab results are ready in MyAltaMed. Your A1c keeps coming down: keep up the good "
    "work with your diet and walks. Dr. Torres" },
  { "spanish", "Pregunta sobre mi medicina de la tiroides",
    "Buenas tardes. ¿Puedo tomar la levotiroxina junto con mi café de la mañana o tengo que "
    "esperar?",
    "Buenas tardes. Es mejor tomar la levotiroxina solo con agua, en ayunas, y esperar de 30 a 60 "
    "minutos antes del café o del desayuno. Así la medicina funciona mejor. Rosa Delgado, NP",
    "Sus resultados de laboratorio",
    "Sus análisis de la tiroides salieron dentro de lo normal. Siga tomando la misma dosis de "
    "levotiroxina. Rosa Delgado, NP" },
  { "parent", "Allergies acting up",
    "My seasonal allergies started early this year. Can I take cetirizine every day, or should "
    "I try something else?",
    "Yes, cetirizine once a day is safe to take every day during allergy season. If it makes you "
    "drowsy, take it at bedtime. A saline nasal rinse can help too. Dr. Torres",
    "Time for a dental check-up",
    "Our records show it has been over a year since your last dental visit. You can ask for an "
    "appointment with MyAltaMed Pasadena Dental in the app." },
};

/* Refill requests waiting for the clinician */
typedef struct
{
  const char *key;
  const char *medication;   /* RxNorm code of one of the patient's MedicationRequests */
  const char *text;
  const char *description;
} DemoRefill;

static const DemoRefill demo_refills[] = {
  { "adult", "861007", "Refill request",
    "Please refill my metformin: I have about a week of tablets left." },
};

typedef struct
{
  JsonArray  *entries;
  GHashTable *slots;          /* "practitioner/start" → Slot entry, borrowed */
  gint64      today;          /* midnight UTC of now */
  GTimeZone  *zone;           /* the clinics' time zone */
  GDateTime  *clinic_today;   /* midnight of today in the clinics' time zone */
  int         booked_day;     /* upcoming visits are this many days after today */
  guint       n_uuids;
  guint32     seed;

  /* fullUrls, borrowed from the entries */
  const char *organization;
  const char *locations[N_LOCATIONS];
  const char *practitioners[N_PRACTITIONERS];
  const char *schedules[N_PRACTITIONERS];
  char       *practitioner_names[N_PRACTITIONERS];
} Records;

typedef struct
{
  const AltaDemoRecordsPatient *info;
  const DemoKind               *kind;
  guint                         number;       /* its place in the list */
  char                         *reference;    /* "Patient/<id>" */
  gboolean                      spanish;
  gint64                        born;         /* midnight UTC */
  const char                   *care_team;    /* fullUrl; NULL: none */
  GHashTable                   *conditions;   /* SNOMED CT code → fullUrl */
  GHashTable                   *medications;  /* RxNorm code → fullUrl */
} Patient;

/* Dates and numbers */

static char *
format_date_time (gint64 when)
{
  g_autoptr (GDateTime) date_time = g_date_time_new_from_unix_utc (when);

  return g_date_time_format (date_time, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
format_date (gint64 when)
{
  g_autoptr (GDateTime) date_time = g_date_time_new_from_unix_utc (when);

  return g_date_time_format (date_time, "%Y-%m-%d");
}

static gint64
date_to_unix (const GDate *date)
{
  GDate epoch;

  g_date_clear (&epoch, 1);
  g_date_set_dmy (&epoch, 1, G_DATE_JANUARY, 1970);
  return (gint64)g_date_days_between (&epoch, date) * DAY;
}

/* `days` after today (before it if negative), at hour:minute UTC */
static gint64
day_at (const Records *self,
        int            days,
        int            hour,
        int            minute)
{
  return self->today + days * DAY + hour * HOUR + minute * 60;
}

/* `days` after today (before it if negative), at hour:minute in the clinics' time zone */
static gint64
clinic_at (const Records *self,
           int            days,
           int            hour,
           int            minute)
{
  g_autoptr (GDateTime) day = g_date_time_add_days (self->clinic_today, days);
  g_autoptr (GDateTime) time = g_date_time_new (self->zone, g_date_time_get_year (day),
                                                g_date_time_get_month (day),
                                                g_date_time_get_day_of_month (day), hour, minute,
                                                0);

  return g_date_time_to_unix (time);
}

/* Monday to Friday in the clinics' time zone */
static gboolean
is_clinic_weekday (const Records *self,
                   int            days)
{
  g_autoptr (GDateTime) day = g_date_time_add_days (self->clinic_today, days);

  return g_date_time_get_day_of_week (day) <= 5;
}

/* The birth date plus a number of months, at 10:00 UTC */
static gint64
age_at (const Patient *patient,
        int            months)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, patient->info->birth_day, patient->info->birth_month,
                  patient->info->birth_year);
  g_date_add_months (&date, months);
  return date_to_unix (&date) + 10 * HOUR;
}

static guint
next_int (Records *self,
          guint    bound)
{
  self->seed = self->seed * 1664525u + 1013904223u;
  return (self->seed >> 16) % bound;
}

/* Between -1 and 1 */
static double
next_jitter (Records *self)
{
  self->seed = self->seed * 1664525u + 1013904223u;
  return (self->seed >> 8) / 8388608.0 - 1.0;
}

static double
round_to (double value,
          int    decimals)
{
  double scale = 1.0;

  for (int i = 0; i < decimals; i++)
    scale *= 10.0;
  return (double)(gint64)(value * scale + 0.5) / scale;
}

/* Building resources */

static JsonObject *
resource_new (const char *type)
{
  JsonObject *resource = json_object_new ();

  json_object_set_string_member (resource, "resourceType", type);
  return resource;
}

static void
set_date_time (JsonObject *object,
               const char *member,
               gint64      when)
{
  g_autofree char *text = format_date_time (when);

  json_object_set_string_member (object, member, text);
}

static void
set_date (JsonObject *object,
          const char *member,
          gint64      when)
{
  g_autofree char *text = format_date (when);

  json_object_set_string_member (object, member, text);
}

static JsonObject *
period_new (gint64 start,
            gint64 end)
{
  JsonObject *period = json_object_new ();

  set_date_time (period, "start", start);
  set_date_time (period, "end", end);
  return period;
}

static JsonArray *
array_of (JsonObject *object)
{
  JsonArray *array = json_array_new ();

  json_array_add_object_element (array, object);
  return array;
}

static JsonArray *
string_array_of (const char *text)
{
  JsonArray *array = json_array_new ();

  json_array_add_string_element (array, text);
  return array;
}

static JsonObject *
coding_new (const char *system,
            const char *code,
            const char *display)
{
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  json_object_set_string_member (coding, "display", display);
  return coding;
}

/* A CodeableConcept; `text` may be NULL */
static JsonObject *
concept_new (const char *system,
             const char *code,
             const char *display,
             const char *text)
{
  JsonObject *concept = json_object_new ();

  json_object_set_array_member (concept, "coding", array_of (coding_new (system, code, display)));
  if (text != NULL)
    json_object_set_string_member (concept, "text", text);
  return concept;
}

static JsonObject *
text_concept_new (const char *text)
{
  JsonObject *concept = json_object_new ();

  json_object_set_string_member (concept, "text", text);
  return concept;
}

/* `display` may be NULL */
static JsonObject *
reference_new (const char *reference,
               const char *display)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "reference", reference);
  if (display != NULL)
    json_object_set_string_member (object, "display", display);
  return object;
}

/* Whole numbers as integers: FHIR reads "140.0" as more precise than "140" */
static JsonObject *
quantity_new (double      value,
              int         decimals,
              const char *unit,
              const char *code)
{
  JsonObject *quantity = json_object_new ();

  if (decimals == 0)
    json_object_set_int_member (quantity, "value", (gint64)value);
  else
    json_object_set_double_member (quantity, "value", value);
  json_object_set_string_member (quantity, "unit", unit);
  json_object_set_string_member (quantity, "system", SYSTEM_UCUM);
  json_object_set_string_member (quantity, "code", code);
  return quantity;
}

static JsonObject *
annotation_new (const char *text)
{
  JsonObject *annotation = json_object_new ();

  json_object_set_string_member (annotation, "text", text);
  return annotation;
}

static JsonObject *
service_category_new (const char *code)
{
  return concept_new (SYSTEM_SERVICE_CATEGORY, code,
                      g_str_equal (code, "dental") ? "Dental" : "Medical", NULL);
}

static JsonObject *
address_new (const char *line,
             const char *city,
             const char *postal_code)
{
  JsonObject *address = json_object_new ();

  json_object_set_string_member (address, "use", "work");
  json_object_set_array_member (address, "line", string_array_of (line));
  json_object_set_string_member (address, "city", city);
  json_object_set_string_member (address, "state", "CA");
  json_object_set_string_member (address, "postalCode", postal_code);
  json_object_set_string_member (address, "country", "US");
  return address;
}

static JsonObject *
phone_new (const char *number)
{
  JsonObject *telecom = json_object_new ();

  json_object_set_string_member (telecom, "system", "phone");
  json_object_set_string_member (telecom, "value", number);
  json_object_set_string_member (telecom, "use", "work");
  return telecom;
}

/* Adds `resource` (taken) to the Bundle; returns its entry, borrowed */
static JsonObject *
add_entry (Records    *self,
           JsonObject *resource)
{
  JsonObject *entry = json_object_new ();
  JsonObject *request = json_object_new ();
  g_autofree char *full_url = NULL;

  full_url = g_strdup_printf ("urn:uuid:00000000-0000-4000-8000-%012x", ++self->n_uuids);
  json_object_set_string_member (request, "method", "POST");
  json_object_set_string_member (request, "url",
                                 json_object_get_string_member (resource, "resourceType"));

  json_object_set_string_member (entry, "fullUrl", full_url);
  json_object_set_object_member (entry, "resource", resource);
  json_object_set_object_member (entry, "request", request);
  json_array_add_object_element (self->entries, entry);
  return entry;
}

/* Adds `resource` (taken); returns its fullUrl, borrowed */
static const char *
add_resource (Records    *self,
              JsonObject *resource)
{
  return json_object_get_string_member (add_entry (self, resource), "fullUrl");
}

static JsonObject *
practitioner_reference_new (const Records *self,
                            int            practitioner)
{
  return reference_new (self->practitioners[practitioner],
                        self->practitioner_names[practitioner]);
}

static JsonObject *
location_reference_new (const Records *self,
                        int            location)
{
  return reference_new (self->locations[location], demo_locations[location].name);
}

static JsonObject *
patient_reference_new (const Patient *patient)
{
  return reference_new (patient->reference, NULL);
}

static JsonObject *
participant_new (JsonObject *actor,
                 const char *status)
{
  JsonObject *participant = json_object_new ();

  json_object_set_object_member (participant, "actor", actor);
  json_object_set_string_member (participant, "required", "required");
  json_object_set_string_member (participant, "status", status);
  return participant;
}

/* The clinic directory */

static void
add_organization (Records *self)
{
  JsonObject *organization = resource_new ("Organization");

  json_object_set_boolean_member (organization, "active", TRUE);
  json_object_set_array_member (organization, "type",
                                array_of (concept_new (SYSTEM_ORGANIZATION_TYPE, "prov",
                                                       "Healthcare Provider", NULL)));
  json_object_set_string_member (organization, "name", "MyAltaMed Community Clinics");
  json_object_set_array_member (organization, "telecom", array_of (phone_new ("(323) 555-0100")));
  json_object_set_array_member (organization, "address",
                                array_of (address_new ("3945 Whittier Boulevard", "Los Angeles",
                                                       "90023")));
  self->organization = add_resource (self, organization);
}

static void
add_locations (Records *self)
{
  for (int i = 0; i < N_LOCATIONS; i++)
    {
      const DemoLocation *demo = &demo_locations[i];
      JsonObject *location = resource_new ("Location");

      JsonObject *zone = json_object_new ();

      /* The clinic's own time zone, in which its visits are told (FHIR's timezone extension) */
      json_object_set_string_member (zone, "url",
                                     "http://hl7.org/fhir/StructureDefinition/timezone");
      json_object_set_string_member (zone, "valueCode", CLINIC_ZONE);
      json_object_set_array_member (location, "extension", array_of (zone));
      json_object_set_string_member (location, "status", "active");
      json_object_set_string_member (location, "name", demo->name);
      json_object_set_string_member (location, "mode", "instance");
      json_object_set_array_member (location, "telecom", array_of (phone_new (demo->phone)));
      json_object_set_object_member (location, "address",
                                     address_new (demo->line, demo->city, demo->postal_code));
      json_object_set_object_member (location, "managingOrganization",
                                     reference_new (self->organization,
                                                    "MyAltaMed Community Clinics"));
      self->locations[i] = add_resource (self, location);
    }
}

static void
add_practitioners (Records *self)
{
  for (int i = 0; i < N_PRACTITIONERS; i++)
    {
      const DemoPractitioner *demo = &demo_practitioners[i];
      JsonObject *practitioner = resource_new ("Practitioner");
      JsonObject *role = resource_new ("PractitionerRole");
      JsonObject *identifier = json_object_new ();
      JsonObject *name = json_object_new ();
      JsonArray *given = json_array_new ();
      JsonArray *languages = json_array_new ();

      json_object_set_string_member (identifier, "system", SYSTEM_NPI);
      json_object_set_string_member (identifier, "value", demo->npi);

      self->practitioner_names[i] = g_strdup_printf ("%s%s%s %s, %s", demo->given,
                                                     demo->middle != NULL ? " " : "",
                                                     demo->middle != NULL ? demo->middle : "",
                                                     demo->family, demo->suffix);
      json_array_add_string_element (given, demo->given);
      if (demo->middle != NULL)
        json_array_add_string_element (given, demo->middle);
      json_object_set_string_member (name, "use", "official");
      json_object_set_string_member (name, "text", self->practitioner_names[i]);
      json_object_set_string_member (name, "family", demo->family);
      json_object_set_array_member (name, "given", given);
      json_object_set_array_member (name, "suffix", string_array_of (demo->suffix));

      json_array_add_object_element (languages,
                                     concept_new (SYSTEM_LANGUAGE, "en", "English", NULL));
      if (demo->speaks_spanish)
        json_array_add_object_element (languages,
                                       concept_new (SYSTEM_LANGUAGE, "es", "Spanish", NULL));

      json_object_set_array_member (practitioner, "identifier", array_of (identifier));
      json_object_set_boolean_member (practitioner, "active", TRUE);
      json_object_set_array_member (practitioner, "name", array_of (name));
      json_object_set_string_member (practitioner, "gender", demo->gender);
      json_object_set_array_member (practitioner, "communication", languages);
      self->practitioners[i] = add_resource (self, practitioner);

      json_object_set_boolean_member (role, "active", TRUE);
      json_object_set_object_member (role, "practitioner", practitioner_reference_new (self, i));
      json_object_set_object_member (role, "organization",
                                     reference_new (self->organization,
                                                    "MyAltaMed Community Clinics"));
      json_object_set_array_member (role, "code",
                                    array_of (concept_new (SYSTEM_NUCC, demo->taxonomy,
                                                           demo->taxonomy_display, NULL)));
      json_object_set_array_member (role, "specialty",
                                    array_of (concept_new (SYSTEM_NUCC, demo->taxonomy,
                                                           demo->taxonomy_display, NULL)));
      json_object_set_array_member (role, "location",
                                    array_of (location_reference_new (self, demo->location)));
      json_object_set_array_member (role, "telecom",
                                    array_of (phone_new (demo_locations[demo->location].phone)));
      add_resource (self, role);
    }
}

static char *
slot_key (int    practitioner,
          gint64 start)
{
  return g_strdup_printf ("%d/%" G_GINT64_FORMAT, practitioner, start);
}

/* Weekdays in clinic hours, in the clinic's time zone: medical visits of 30 minutes in the
 * morning, dental visits of an hour in the afternoon */
static void
add_slots (Records *self,
           int      practitioner)
{
  gboolean dental = g_str_equal (demo_practitioners[practitioner].service, "dental");
  int first = dental ? 13 * 60 : 9 * 60;
  int last = dental ? 16 * 60 : 12 * 60;
  int length = dental ? 60 : 30;

  for (int day = 1; day <= SLOT_DAYS; day++)
    {
      if (!is_clinic_weekday (self, day))
        continue;

      for (int minute = first; minute + length <= last; minute += length)
        {
          JsonObject *slot = resource_new ("Slot");
          gint64 start = clinic_at (self, day, minute / 60, minute % 60);

          json_object_set_array_member (slot, "serviceCategory",
                                        array_of (service_category_new (demo_practitioners[practitioner].service)));
          json_object_set_object_member (slot, "schedule",
                                         reference_new (self->schedules[practitioner], NULL));
          json_object_set_string_member (slot, "status", "free");
          set_date_time (slot, "start", start);
          set_date_time (slot, "end", start + length * 60);
          g_hash_table_insert (self->slots, slot_key (practitioner, start),
                               add_entry (self, slot));
        }
    }
}

static void
add_schedules (Records *self)
{
  for (int i = 0; i < N_PRACTITIONERS; i++)
    {
      const DemoPractitioner *demo = &demo_practitioners[i];
      JsonObject *schedule = resource_new ("Schedule");
      JsonArray *actors = json_array_new ();

      json_array_add_object_element (actors, practitioner_reference_new (self, i));
      json_array_add_object_element (actors, location_reference_new (self, demo->location));

      json_object_set_boolean_member (schedule, "active", TRUE);
      json_object_set_array_member (schedule, "serviceCategory",
                                    array_of (service_category_new (demo->service)));
      json_object_set_array_member (schedule, "specialty",
                                    array_of (concept_new (SYSTEM_NUCC, demo->taxonomy,
                                                           demo->taxonomy_display, NULL)));
      json_object_set_array_member (schedule, "actor", actors);
      json_object_set_object_member (schedule, "planningHorizon",
                                     period_new (clinic_at (self, 1, 0, 0),
                                                 clinic_at (self, SLOT_DAYS + 1, 0, 0)));
      if (g_str_equal (demo->service, "dental"))
        json_object_set_string_member (schedule, "comment",
                                       "Weekday afternoons, 1-hour visits, booked by the front "
                                       "desk on request.");
      else
        json_object_set_string_member (schedule, "comment",
                                       "Weekday mornings, 30-minute visits.");
      self->schedules[i] = add_resource (self, schedule);

      add_slots (self, i);
    }
}

/* Marks the practitioner's slot at `start` busy; returns its fullUrl */
static const char *
book_slot (Records *self,
           int      practitioner,
           gint64   start)
{
  g_autofree char *key = slot_key (practitioner, start);
  JsonObject *entry = g_hash_table_lookup (self->slots, key);

  g_assert (entry != NULL);
  json_object_set_string_member (json_object_get_object_member (entry, "resource"), "status",
                                 "busy");
  return json_object_get_string_member (entry, "fullUrl");
}

/* A patient's records */

static void
add_care_team (Records *self,
               Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_care_teams); i++)
    {
      const DemoCareTeam *demo = &demo_care_teams[i];
      JsonObject *care_team;
      JsonArray *participants;

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      care_team = resource_new ("CareTeam");
      participants = json_array_new ();
      for (guint j = 0; j < G_N_ELEMENTS (demo->members); j++)
        {
          const DemoPractitioner *member = &demo_practitioners[demo->members[j]];
          JsonObject *participant = json_object_new ();

          json_object_set_array_member (participant, "role",
                                        array_of (concept_new (SYSTEM_NUCC, member->taxonomy,
                                                               member->taxonomy_display,
                                                               demo->roles[j])));
          json_object_set_object_member (participant, "member",
                                         practitioner_reference_new (self, demo->members[j]));
          json_object_set_object_member (participant, "onBehalfOf",
                                         reference_new (self->organization,
                                                        "MyAltaMed Community Clinics"));
          json_array_add_object_element (participants, participant);
        }

      json_object_set_string_member (care_team, "status", "active");
      json_object_set_string_member (care_team, "name", demo->name);
      json_object_set_object_member (care_team, "subject", patient_reference_new (patient));
      json_object_set_array_member (care_team, "participant", participants);
      json_object_set_array_member (care_team, "managingOrganization",
                                    array_of (reference_new (self->organization,
                                                             "MyAltaMed Community Clinics")));
      patient->care_team = add_resource (self, care_team);
    }
}

/* `days_ago` before today at hour:00, but not before the patient was born */
static gint64
after_birth (const Records *self,
             const Patient *patient,
             int            days_ago,
             int            hour)
{
  return MAX (day_at (self, -days_ago, hour, 0), patient->born + hour * HOUR);
}

static void
add_allergies (Records *self,
               Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_allergies); i++)
    {
      const DemoAllergy *demo = &demo_allergies[i];
      JsonObject *allergy;
      JsonObject *reaction;
      JsonObject *manifestation;

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      allergy = resource_new ("AllergyIntolerance");
      reaction = json_object_new ();
      manifestation = concept_new (SYSTEM_SNOMED, demo->reaction, demo->reaction_display,
                                   demo->reaction_text);

      json_object_set_object_member (reaction, "substance",
                                     concept_new (SYSTEM_SNOMED, demo->substance,
                                                  demo->substance_display, demo->substance_text));
      json_object_set_array_member (reaction, "manifestation", array_of (manifestation));
      json_object_set_string_member (reaction, "description", demo->description);
      json_object_set_string_member (reaction, "severity", demo->severity);

      json_object_set_object_member (allergy, "clinicalStatus",
                                     concept_new (SYSTEM_ALLERGY_CLINICAL, "active", "Active",
                                                  NULL));
      json_object_set_object_member (allergy, "verificationStatus",
                                     concept_new (SYSTEM_ALLERGY_VERIFIED, "confirmed",
                                                  "Confirmed", NULL));
      json_object_set_string_member (allergy, "type", "allergy");
      json_object_set_array_member (allergy, "category", string_array_of (demo->category));
      json_object_set_string_member (allergy, "criticality", demo->criticality);
      json_object_set_object_member (allergy, "code",
                                     concept_new (SYSTEM_SNOMED, demo->substance,
                                                  demo->substance_display, demo->substance_text));
      json_object_set_object_member (allergy, "patient", patient_reference_new (patient));
      set_date (allergy, "recordedDate", after_birth (self, patient, demo->recorded_days_ago, 10));
      json_object_set_object_member (allergy, "recorder",
                                     practitioner_reference_new (self, patient->kind->clinician));
      json_object_set_array_member (allergy, "reaction", array_of (reaction));
      add_resource (self, allergy);
    }
}

static void
add_immunization (Records       *self,
                  const Patient *patient,
                  int            vaccine,
                  gint64         when,
                  int            dose)
{
  const DemoVaccine *demo = &demo_vaccines[vaccine];
  JsonObject *immunization = resource_new ("Immunization");
  JsonObject *performer = json_object_new ();
  JsonObject *protocol = json_object_new ();
  g_autofree char *lot_number = NULL;
  guint letter1, letter2, digits;

  letter1 = next_int (self, 26);
  letter2 = next_int (self, 26);
  digits = 1000 + next_int (self, 9000);
  lot_number = g_strdup_printf ("%c%c%u", 'A' + letter1, 'A' + letter2, digits);

  json_object_set_object_member (performer, "actor",
                                 practitioner_reference_new (self, patient->kind->vaccinator));
  json_object_set_int_member (protocol, "doseNumberPositiveInt", dose);

  json_object_set_string_member (immunization, "status", "completed");
  json_object_set_object_member (immunization, "vaccineCode",
                                 concept_new (SYSTEM_CVX, demo->code, demo->display,
                                              patient->spanish ? demo->text_es : demo->text_en));
  json_object_set_object_member (immunization, "patient", patient_reference_new (patient));
  set_date_time (immunization, "occurrenceDateTime", when);
  json_object_set_boolean_member (immunization, "primarySource", TRUE);
  json_object_set_object_member (immunization, "location",
                                 location_reference_new (self, EASTSIDE_CLINIC));
  json_object_set_string_member (immunization, "lotNumber", lot_number);
  json_object_set_array_member (immunization, "performer", array_of (performer));
  json_object_set_array_member (immunization, "protocolApplied", array_of (protocol));
  add_resource (self, immunization);
}

/* Flu shots in October; a child's first season takes two doses four weeks apart */
static void
add_flu_shots (Records       *self,
               const Patient *patient)
{
  int seasons = patient->kind->flu_seasons;
  g_autoptr (GDateTime) today = g_date_time_new_from_unix_utc (self->today);
  int day_of_month = 6 + (int)(patient->number * 5 % 20);
  gboolean first_season = TRUE;
  int last_year;
  int first_year;
  GDate date;

  if (seasons == 0)
    return;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day_of_month, G_DATE_OCTOBER, g_date_time_get_year (today));
  last_year = g_date_time_get_year (today) - (date_to_unix (&date) < self->today ? 0 : 1);
  first_year = seasons > 0 ? last_year - seasons + 1 : patient->info->birth_year;

  for (int year = first_year; year <= last_year; year++)
    {
      gint64 when;

      g_date_set_dmy (&date, day_of_month, G_DATE_OCTOBER, year);
      when = date_to_unix (&date) + 10 * HOUR;
      if (when < age_at (patient, 6))
        continue;

      add_immunization (self, patient, VACCINE_FLU, when, 1);
      if (seasons < 0 && first_season && when + 28 * DAY < self->today)
        add_immunization (self, patient, VACCINE_FLU, when + 28 * DAY, 2);
      first_season = FALSE;
    }
}

static void
add_immunizations (Records *self,
                   Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_scheduled_shots); i++)
    {
      const DemoScheduledShot *demo = &demo_scheduled_shots[i];
      gint64 when = age_at (patient, demo->age_months);

      if (g_str_equal (demo->key, patient->info->key) && when < self->today)
        add_immunization (self, patient, demo->vaccine, when, demo->dose);
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_shots); i++)
    {
      const DemoShot *demo = &demo_shots[i];

      if (g_str_equal (demo->key, patient->info->key))
        add_immunization (self, patient, demo->vaccine,
                          after_birth (self, patient, demo->days_ago, 11), demo->dose);
    }

  add_flu_shots (self, patient);
}

static void
add_conditions (Records *self,
                Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_conditions); i++)
    {
      const DemoCondition *demo = &demo_conditions[i];
      JsonObject *condition;
      gint64 onset;
      gboolean resolved = demo->abated_days_ago > 0;

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      condition = resource_new ("Condition");
      onset = after_birth (self, patient, demo->onset_days_ago, 10);

      json_object_set_object_member (condition, "clinicalStatus",
                                     resolved ? concept_new (SYSTEM_CONDITION_CLINICAL, "resolved",
                                                             "Resolved", NULL)
                                              : concept_new (SYSTEM_CONDITION_CLINICAL, "active",
                                                             "Active", NULL));
      json_object_set_object_member (condition, "verificationStatus",
                                     concept_new (SYSTEM_CONDITION_VERIFIED, "confirmed",
                                                  "Confirmed", NULL));
      json_object_set_array_member (condition, "category",
                                    array_of (concept_new (SYSTEM_CONDITION_CATEGORY,
                                                           "problem-list-item",
                                                           "Problem List Item", NULL)));
      json_object_set_object_member (condition, "code",
                                     concept_new (SYSTEM_SNOMED, demo->code, demo->display,
                                                  demo->text));
      json_object_set_object_member (condition, "subject", patient_reference_new (patient));
      set_date_time (condition, "onsetDateTime", onset);
      if (resolved)
        set_date_time (condition, "abatementDateTime",
                       MAX (day_at (self, -demo->abated_days_ago, 10, 0), onset + 7 * DAY));
      set_date (condition, "recordedDate", onset);
      json_object_set_object_member (condition, "recorder",
                                     practitioner_reference_new (self, patient->kind->clinician));
      if (demo->note != NULL)
        json_object_set_array_member (condition, "note", array_of (annotation_new (demo->note)));
      g_hash_table_insert (patient->conditions, (gpointer)demo->code,
                           (gpointer)add_resource (self, condition));
    }
}

static void
add_medications (Records *self,
                 Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_medications); i++)
    {
      const DemoMedication *demo = &demo_medications[i];
      JsonObject *request;
      JsonObject *dosage;
      JsonObject *dispense;
      JsonObject *duration;
      const char *reason;

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      request = resource_new ("MedicationRequest");
      dosage = json_object_new ();
      dispense = json_object_new ();
      duration = json_object_new ();
      reason = g_hash_table_lookup (patient->conditions, demo->reason);

      json_object_set_string_member (dosage, "text", demo->dosage);

      json_object_set_int_member (duration, "value", demo->supply_days);
      json_object_set_string_member (duration, "unit", patient->spanish ? "días" : "days");
      json_object_set_string_member (duration, "system", SYSTEM_UCUM);
      json_object_set_string_member (duration, "code", "d");
      json_object_set_int_member (dispense, "numberOfRepeatsAllowed", demo->refills);
      json_object_set_object_member (dispense, "quantity",
                                     quantity_new (demo->quantity, 0, demo->unit_display,
                                                   demo->unit));
      json_object_set_object_member (dispense, "expectedSupplyDuration", duration);

      json_object_set_string_member (request, "status", demo->status);
      if (demo->status_reason != NULL)
        json_object_set_object_member (request, "statusReason",
                                       text_concept_new (demo->status_reason));
      json_object_set_string_member (request, "intent", "order");
      json_object_set_object_member (request, "medicationCodeableConcept",
                                     concept_new (SYSTEM_RXNORM, demo->code, demo->display,
                                                  demo->text));
      json_object_set_object_member (request, "subject", patient_reference_new (patient));
      set_date_time (request, "authoredOn",
                     after_birth (self, patient, demo->authored_days_ago, 11));
      json_object_set_object_member (request, "requester",
                                     practitioner_reference_new (self, patient->kind->clinician));
      if (reason != NULL)
        json_object_set_array_member (request, "reasonReference",
                                      array_of (reference_new (reason, NULL)));
      if (demo->note != NULL)
        json_object_set_array_member (request, "note", array_of (annotation_new (demo->note)));
      json_object_set_array_member (request, "dosageInstruction", array_of (dosage));
      json_object_set_object_member (request, "dispenseRequest", dispense);
      g_hash_table_insert (patient->medications, (gpointer)demo->code,
                           (gpointer)add_resource (self, request));
    }
}

static double
lab_value (Records       *self,
           const Patient *patient,
           int            test,
           int            days_ago)
{
  const DemoLabTest *demo = &demo_lab_tests[test];
  double value = demo->typical;
  double spread = demo->spread;
  double progress = CLAMP (1.0 - days_ago / 730.0, 0.0, 1.0);

  for (guint i = 0; i < G_N_ELEMENTS (demo_lab_trends); i++)
    {
      const DemoLabTrend *trend = &demo_lab_trends[i];

      if (trend->test == test && g_str_equal (trend->key, patient->info->key))
        {
          value = trend->two_years_ago + (trend->today - trend->two_years_ago) * progress;
          spread = trend->spread;
        }
    }

  return round_to (MAX (value + spread * next_jitter (self), 0.0), demo->decimals);
}

static JsonObject *
observation_new (Records       *self,
                 const Patient *patient,
                 int            test,
                 int            days_ago,
                 const char    *status,
                 gint64         taken,
                 gint64         issued)
{
  const DemoLabTest *demo = &demo_lab_tests[test];
  JsonObject *observation = resource_new ("Observation");
  JsonObject *range = json_object_new ();
  double value = lab_value (self, patient, test, days_ago);
  const char *flag = "N";
  const char *flag_display = "Normal";

  if (demo->low != NO_LIMIT && value < demo->low)
    {
      flag = "L";
      flag_display = "Low";
    }
  else if (demo->high != NO_LIMIT && value > demo->high)
    {
      flag = "H";
      flag_display = "High";
    }

  if (demo->low != NO_LIMIT)
    json_object_set_object_member (range, "low",
                                   quantity_new (demo->low, demo->decimals, demo->unit,
                                                 demo->unit));
  if (demo->high != NO_LIMIT)
    json_object_set_object_member (range, "high",
                                   quantity_new (demo->high, demo->decimals, demo->unit,
                                                 demo->unit));

  json_object_set_string_member (observation, "status", status);
  json_object_set_array_member (observation, "category",
                                array_of (concept_new (SYSTEM_OBSERVATION_CATEGORY, "laboratory",
                                                       "Laboratory", NULL)));
  json_object_set_object_member (observation, "code",
                                 concept_new (SYSTEM_LOINC, demo->code, demo->display,
                                              patient->spanish ? demo->text_es : demo->text_en));
  json_object_set_object_member (observation, "subject", patient_reference_new (patient));
  set_date_time (observation, "effectiveDateTime", taken);
  set_date_time (observation, "issued", issued);
  json_object_set_array_member (observation, "performer",
                                array_of (practitioner_reference_new (self,
                                                                      patient->kind->clinician)));
  json_object_set_object_member (observation, "valueQuantity",
                                 quantity_new (value, demo->decimals, demo->unit, demo->unit));
  json_object_set_array_member (observation, "interpretation",
                                array_of (concept_new (SYSTEM_INTERPRETATION, flag, flag_display,
                                                       NULL)));
  json_object_set_array_member (observation, "referenceRange", array_of (range));
  return observation;
}

static void
add_lab_report (Records       *self,
                const Patient *patient,
                int            panel,
                int            days_ago,
                const char    *status)
{
  const DemoLabPanel *demo = &demo_lab_panels[panel];
  JsonObject *report = resource_new ("DiagnosticReport");
  JsonArray *results = json_array_new ();
  gint64 taken = day_at (self, -days_ago, 8, 30);
  gint64 issued = day_at (self, -days_ago, 14, 45);

  for (int i = 0; i < demo->n_tests; i++)
    {
      JsonObject *observation = observation_new (self, patient, demo->tests[i], days_ago, status,
                                                 taken, issued);

      json_array_add_object_element (results, reference_new (add_resource (self, observation),
                                                             NULL));
    }

  json_object_set_string_member (report, "status", status);
  json_object_set_array_member (report, "category",
                                array_of (concept_new (SYSTEM_REPORT_CATEGORY, "LAB",
                                                       "Laboratory", NULL)));
  json_object_set_object_member (report, "code",
                                 concept_new (SYSTEM_LOINC, demo->code, demo->display,
                                              patient->spanish ? demo->text_es : demo->text_en));
  json_object_set_object_member (report, "subject", patient_reference_new (patient));
  set_date_time (report, "effectiveDateTime", taken);
  set_date_time (report, "issued", issued);
  json_object_set_array_member (report, "performer",
                                array_of (practitioner_reference_new (self,
                                                                      patient->kind->clinician)));
  json_object_set_array_member (report, "result", results);
  add_resource (self, report);
}

static void
add_lab_results (Records *self,
                 Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_lab_series); i++)
    {
      const DemoLabSeries *demo = &demo_lab_series[i];

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      /* Oldest first */
      for (int j = demo->count - 1; j >= 0; j--)
        add_lab_report (self, patient, demo->panel, demo->newest_days_ago + j * demo->every_days,
                        j == 0 ? demo->newest_status : "final");
    }
}

static JsonObject *
appointment_new (const char *status,
                 const char *service,
                 const char *description)
{
  JsonObject *appointment = resource_new ("Appointment");

  json_object_set_string_member (appointment, "status", status);
  json_object_set_array_member (appointment, "serviceCategory",
                                array_of (service_category_new (service)));
  json_object_set_string_member (appointment, "description", description);
  return appointment;
}

static void
add_visit (Records         *self,
           const Patient   *patient,
           const DemoVisit *demo,
           gboolean         upcoming)
{
  JsonObject *appointment;
  JsonArray *participants = json_array_new ();
  int day = upcoming ? self->booked_day : -60;
  gint64 start;

  /* Past visits fell on a weekday, as the clinic's slots do */
  while (!upcoming && !is_clinic_weekday (self, day))
    day--;
  start = clinic_at (self, day, 10, demo->minute);

  appointment = appointment_new (upcoming ? "booked" : "fulfilled", "medical",
                                 upcoming ? demo->upcoming_description : demo->past_description);
  json_array_add_object_element (participants,
                                 participant_new (patient_reference_new (patient), "accepted"));
  json_array_add_object_element (participants,
                                 participant_new (practitioner_reference_new (self,
                                                                              demo->practitioner),
                                                  "accepted"));
  json_array_add_object_element (participants,
                                 participant_new (location_reference_new (self, EASTSIDE_CLINIC),
                                                  "accepted"));

  set_date_time (appointment, "start", start);
  set_date_time (appointment, "end", start + 30 * 60);
  json_object_set_int_member (appointment, "minutesDuration", 30);
  if (upcoming)
    json_object_set_array_member (appointment, "slot",
                                  array_of (reference_new (book_slot (self, demo->practitioner,
                                                                      start),
                                                           NULL)));
  set_date_time (appointment, "created", start - (upcoming ? 12 : 20) * DAY);
  if (upcoming)
    json_object_set_string_member (appointment, "patientInstruction", demo->instruction);
  json_object_set_array_member (appointment, "participant", participants);
  add_resource (self, appointment);
}

static void
add_appointments (Records *self,
                  Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_visits); i++)
    {
      if (g_str_equal (demo_visits[i].key, patient->info->key))
        {
          add_visit (self, patient, &demo_visits[i], FALSE);
          add_visit (self, patient, &demo_visits[i], TRUE);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_dental_requests); i++)
    {
      const DemoDentalRequest *demo = &demo_dental_requests[i];
      JsonObject *appointment;
      JsonArray *participants;
      g_autoptr (GDateTime) today = NULL;
      g_autoptr (GDateTime) this_month = NULL;
      g_autoptr (GDateTime) next_month = NULL;
      g_autoptr (GDateTime) month_after = NULL;

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      today = g_date_time_new_from_unix_utc (self->today);
      this_month = g_date_time_new_utc (g_date_time_get_year (today),
                                        g_date_time_get_month (today), 1, 0, 0, 0);
      next_month = g_date_time_add_months (this_month, 1);
      month_after = g_date_time_add_months (this_month, 2);

      appointment = appointment_new ("proposed", "dental", demo->description);
      participants = json_array_new ();
      json_array_add_object_element (participants,
                                     participant_new (patient_reference_new (patient),
                                                      "accepted"));
      json_array_add_object_element (participants,
                                     participant_new (location_reference_new (self,
                                                                              PASADENA_DENTAL),
                                                      "needs-action"));

      set_date_time (appointment, "created", day_at (self, -1, 19, 20));
      json_object_set_string_member (appointment, "comment", demo->comment);
      json_object_set_array_member (appointment, "participant", participants);
      json_object_set_array_member (appointment, "requestedPeriod",
                                    array_of (period_new (g_date_time_to_unix (next_month),
                                                          g_date_time_to_unix (month_after) - 1)));
      add_resource (self, appointment);
    }
}

static JsonObject *
communication_new (const Patient *patient,
                   const char    *topic,
                   const char    *text,
                   JsonObject    *sender,
                   JsonObject    *recipient)
{
  JsonObject *communication = resource_new ("Communication");
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "contentString", text);

  json_object_set_string_member (communication, "status", "completed");
  json_object_set_object_member (communication, "subject", patient_reference_new (patient));
  json_object_set_object_member (communication, "topic", text_concept_new (topic));
  json_object_set_object_member (communication, "sender", sender);
  json_object_set_array_member (communication, "recipient", array_of (recipient));
  json_object_set_array_member (communication, "payload", array_of (payload));
  return communication;
}

static void
add_messages (Records *self,
              Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_messages); i++)
    {
      const DemoMessages *demo = &demo_messages[i];
      int clinician = patient->kind->clinician;
      JsonObject *old;
      JsonObject *question;
      JsonObject *answer;
      const char *question_url;

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      g_assert (patient->care_team != NULL);

      /* Read */
      old = communication_new (patient, demo->old_topic, demo->old_message,
                               practitioner_reference_new (self, clinician),
                               patient_reference_new (patient));
      set_date_time (old, "sent", day_at (self, -30, 16, 5));
      set_date_time (old, "received", day_at (self, -29, 9, 12));
      add_resource (self, old);

      question = communication_new (patient, demo->topic, demo->question,
                                    patient_reference_new (patient),
                                    reference_new (patient->care_team, NULL));
      set_date_time (question, "sent", day_at (self, -3, 18, 12));
      set_date_time (question, "received", day_at (self, -3, 18, 12));
      question_url = add_resource (self, question);

      /* Not yet read: no `received` */
      answer = communication_new (patient, demo->topic, demo->answer,
                                  practitioner_reference_new (self, clinician),
                                  patient_reference_new (patient));
      json_object_set_array_member (answer, "inResponseTo",
                                    array_of (reference_new (question_url, NULL)));
      set_date_time (answer, "sent", day_at (self, -2, 15, 40));
      add_resource (self, answer);
    }
}

static void
add_refill_requests (Records *self,
                     Patient *patient)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_refills); i++)
    {
      const DemoRefill *demo = &demo_refills[i];
      JsonObject *task;
      const char *medication;

      if (!g_str_equal (demo->key, patient->info->key))
        continue;

      task = resource_new ("Task");
      medication = g_hash_table_lookup (patient->medications, demo->medication);
      g_assert (medication != NULL);

      json_object_set_string_member (task, "status", "requested");
      json_object_set_string_member (task, "intent", "order");
      json_object_set_string_member (task, "priority", "routine");
      json_object_set_object_member (task, "code",
                                     concept_new (SYSTEM_TASK_TYPE, "refill-request",
                                                  "Refill request", demo->text));
      json_object_set_string_member (task, "description", demo->description);
      json_object_set_object_member (task, "focus", reference_new (medication, NULL));
      json_object_set_object_member (task, "for", patient_reference_new (patient));
      set_date_time (task, "authoredOn", day_at (self, -1, 20, 15));
      set_date_time (task, "lastModified", day_at (self, -1, 20, 15));
      json_object_set_object_member (task, "requester", patient_reference_new (patient));
      json_object_set_object_member (task, "owner",
                                     practitioner_reference_new (self, patient->kind->clinician));
      add_resource (self, task);
    }
}

static void
add_patient (Records                      *self,
             const AltaDemoRecordsPatient *info,
             guint                         number)
{
  Patient patient = { 0 };
  GDate birth;

  for (guint i = 0; i < G_N_ELEMENTS (demo_kinds); i++)
    if (g_strcmp0 (demo_kinds[i].key, info->key) == 0)
      patient.kind = &demo_kinds[i];

  if (patient.kind == NULL)
    return;

  g_return_if_fail (g_date_valid_dmy (info->birth_day, info->birth_month, info->birth_year));
  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, info->birth_day, info->birth_month, info->birth_year);

  patient.info = info;
  patient.number = number;
  patient.reference = g_strdup_printf ("Patient/%s", info->patient_id);
  patient.spanish = g_strcmp0 (info->language, "es") == 0;
  patient.born = date_to_unix (&birth);
  patient.conditions = g_hash_table_new (g_str_hash, g_str_equal);
  patient.medications = g_hash_table_new (g_str_hash, g_str_equal);

  add_care_team (self, &patient);
  add_allergies (self, &patient);
  add_conditions (self, &patient);
  add_medications (self, &patient);
  add_immunizations (self, &patient);
  add_lab_results (self, &patient);
  add_appointments (self, &patient);
  add_messages (self, &patient);
  add_refill_requests (self, &patient);

  g_hash_table_unref (patient.medications);
  g_hash_table_unref (patient.conditions);
  g_free (patient.reference);
}

/**
 * alta_demo_records_build_bundle:
 * @patients: the demo patients, already stored as FHIR Patients
 * @n_patients: how many
 * @now: the current time, in Unix seconds
 *
 * Builds the demo clinic's records: a clinic directory (organization, locations,
 * practitioners and their roles, schedules with free slots) and, per patient, a care team,
 * allergies, problems, medicines, immunizations, lab results, visits, messages and a refill
 * request, all dated relative to @now. Every entry is a POST with a `urn:uuid:` fullUrl.
 *
 * Returns: (transfer full): a FHIR R4 transaction Bundle, as JSON text
 */
char *
alta_demo_records_build_bundle (const AltaDemoRecordsPatient *patients,
                                guint                         n_patients,
                                gint64                        now)
{
  Records self = { 0 };
  JsonObject *bundle = resource_new ("Bundle");
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  char *text;

  g_return_val_if_fail (patients != NULL || n_patients == 0, NULL);
  g_return_val_if_fail (now > 0, NULL);

  self.entries = json_array_new ();
  self.slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.today = now - now % DAY;
  self.seed = RANDOM_SEED;
  self.zone = g_time_zone_new_identifier (CLINIC_ZONE);
  if (self.zone == NULL)
    {
      g_warning ("The time zone %s is not installed: the demo clinic keeps UTC hours",
                 CLINIC_ZONE);
      self.zone = g_time_zone_new_utc ();
    }
  {
    g_autoptr (GDateTime) utc_now = g_date_time_new_from_unix_utc (now);
    g_autoptr (GDateTime) local_now = g_date_time_to_timezone (utc_now, self.zone);

    self.clinic_today = g_date_time_new (self.zone, g_date_time_get_year (local_now),
                                         g_date_time_get_month (local_now),
                                         g_date_time_get_day_of_month (local_now), 0, 0, 0);
  }
  self.booked_day = BOOKED_DAY;
  while (!is_clinic_weekday (&self, self.booked_day))
    self.booked_day++;

  add_organization (&self);
  add_locations (&self);
  add_practitioners (&self);
  add_schedules (&self);

  for (guint i = 0; i < n_patients; i++)
    add_patient (&self, &patients[i], i);

  json_object_set_string_member (bundle, "type", "transaction");
  json_object_set_array_member (bundle, "entry", self.entries);
  json_node_take_object (root, bundle);
  /* Decimals made here are written as a person writes them (7.8, 4.0), not with 17 digits */
  text = alta_fhir_json_to_text (root);

  g_hash_table_unref (self.slots);
  g_date_time_unref (self.clinic_today);
  g_time_zone_unref (self.zone);
  for (int i = 0; i < N_PRACTITIONERS; i++)
    g_free (self.practitioner_names[i]);

  return text;
}
