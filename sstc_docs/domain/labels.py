"""Words the paper prints, in the paper's language: the one label catalogue of the product.

Every label the exporter, the indicator report or the app prints comes from here, once per
language (English, Chinese as in the seed paper, French, Spanish), so adding a language is one
column and no other module keeps a dictionary of its own. A label without a translation falls
back to English rather than failing an export.
"""

from __future__ import annotations

import datetime as _dt

LANGUAGES = {"en": "English", "zh": "中文", "fr": "Français", "es": "Español"}

_LABELS: dict[str, dict[str, str]] = {
    # the language tag Word files carry (core properties, proofing language of the runs)
    "locale": {"en": "en-GB", "zh": "zh-CN", "fr": "fr-FR", "es": "es-ES"},
    # the kinds of record, as the app names them to people (never the storage's "paper", "indicator")
    "kind.paper": {"en": "Paper", "zh": "文件", "fr": "Document", "es": "Documento"},
    "kind.strategy": {"en": "Strategy", "zh": "战略", "fr": "Stratégie", "es": "Estrategia"},
    "kind.indicator": {"en": "Indicator", "zh": "指标", "fr": "Indicateur", "es": "Indicador"},
    "kind.decision": {"en": "Decision point", "zh": "决定要点", "fr": "Point appelant une décision",
                      "es": "Punto que requiere decisión"},
    "kind.evidence": {"en": "Evidence", "zh": "证据", "fr": "Élément de preuve", "es": "Prueba"},
    # cover
    "office": {"en": "International Labour Office", "zh": "国际劳工局",
               "fr": "Bureau international du Travail", "es": "Oficina Internacional del Trabajo"},
    "governing_body": {"en": "Governing Body", "zh": "理事会", "fr": "Conseil d'administration",
                       "es": "Consejo de Administración"},
    "session": {"en": "{ordinal} Session, Geneva", "zh": "第 {ordinal} 届会议，日内瓦",
                "fr": "{ordinal} session, Genève", "es": "{ordinal} reunión, Ginebra"},
    "session_dated": {"en": "{ordinal} Session, Geneva, {dates}", "zh": "第 {ordinal} 届会议，{dates}，日内瓦",
                      "fr": "{ordinal} session, Genève, {dates}", "es": "{ordinal} reunión, Ginebra, {dates}"},
    "session_ordinal": {"en": "{n}{suffix}", "zh": "{n}", "fr": "{n}e", "es": "{n}.ª"},
    "date": {"en": "Date:", "zh": "日期：", "fr": "Date:", "es": "Fecha:"},
    "original": {"en": "Original:", "zh": "原文：", "fr": "Original:", "es": "Original:"},
    "agenda_item": {"en": "{ordinal} ITEM ON THE AGENDA", "zh": "第{ordinal}项议程",
                    "fr": "{ordinal} QUESTION À L'ORDRE DU JOUR", "es": "{ordinal} PUNTO DEL ORDEN DEL DÍA"},
    "agenda_ordinal": {"en": "{n}{suffix}", "zh": "{n}", "fr": "{n}e", "es": "{n}.º"},
    "action.decision": {"en": "FOR DECISION", "zh": "供决定", "fr": "POUR DÉCISION", "es": "PARA DECISIÓN"},
    "action.debate": {"en": "FOR DEBATE AND GUIDANCE", "zh": "供讨论和指导",
                      "fr": "POUR DISCUSSION ET ORIENTATION", "es": "PARA DEBATE Y ORIENTACIÓN"},
    "action.information": {"en": "FOR INFORMATION", "zh": "供参考", "fr": "POUR INFORMATION",
                           "es": "PARA INFORMACIÓN"},
    "replaces": {"en": "This document replaces {symbol}.", "zh": "本文件取代 {symbol}。",
                 "fr": "Le présent document remplace le document {symbol}.",
                 "es": "El presente documento sustituye al documento {symbol}."},
    "revised_paragraph": {"en": "Paragraph {n} has been revised.", "zh": "第 {n} 段已作修订。",
                          "fr": "Le paragraphe {n} a été révisé.", "es": "Se ha revisado el párrafo {n}."},
    "revised_paragraphs": {"en": "Paragraphs {list} have been revised.", "zh": "第 {list} 段已作修订。",
                           "fr": "Les paragraphes {list} ont été révisés.",
                           "es": "Se han revisado los párrafos {list}."},
    "sentence_gap": {"en": " ", "zh": "", "fr": " ", "es": " "},
    # sections
    "section.INS": {"en": "Institutional Section", "zh": "制度部分", "fr": "Section institutionnelle",
                    "es": "Sección Institucional"},
    "section.POL": {"en": "Policy Development Section", "zh": "政策制定部分",
                    "fr": "Section de l'élaboration des politiques", "es": "Sección de Formulación de Políticas"},
    "section.LILS": {"en": "Legal Issues and International Labour Standards Section",
                     "zh": "法律问题和国际劳工标准部分",
                     "fr": "Section des questions juridiques et des normes internationales du travail",
                     "es": "Sección de Cuestiones Jurídicas y Normas Internacionales del Trabajo"},
    "section.PFA": {"en": "Programme, Financial and Administrative Section", "zh": "计划、财务和行政部分",
                    "fr": "Section du programme, du budget et de l'administration",
                    "es": "Sección de Programa, Presupuesto y Administración"},
    # languages, as the cover's "Original:" names them
    "language.en": {"en": "English", "zh": "英文", "fr": "anglais", "es": "inglés"},
    "language.zh": {"en": "Chinese", "zh": "中文", "fr": "chinois", "es": "chino"},
    "language.fr": {"en": "French", "zh": "法文", "fr": "français", "es": "francés"},
    "language.es": {"en": "Spanish", "zh": "西班牙文", "fr": "espagnol", "es": "español"},
    # front matter
    "front.purpose": {"en": "Purpose of the document", "zh": "文件的目的是", "fr": "Objet du document",
                      "es": "Finalidad del documento"},
    "front.strategic_objective": {"en": "Relevant strategic objective:", "zh": "相关的战略目标：",
                                  "fr": "Objectif stratégique pertinent:", "es": "Objetivo estratégico pertinente:"},
    "front.main_outcome": {"en": "Main relevant outcome:", "zh": "主要相关成果：",
                           "fr": "Principal résultat pertinent:", "es": "Resultado principal pertinente:"},
    "front.policy_implications": {"en": "Policy implications:", "zh": "政策影响：",
                                  "fr": "Incidences sur le plan des politiques:",
                                  "es": "Repercusiones en materia de políticas:"},
    "front.legal_implications": {"en": "Legal implications:", "zh": "法律影响：", "fr": "Incidences juridiques:",
                                 "es": "Repercusiones jurídicas:"},
    "front.financial_implications": {"en": "Financial implications:", "zh": "财政影响：",
                                     "fr": "Incidences financières:", "es": "Repercusiones financieras:"},
    "front.follow_up": {"en": "Follow-up action required:", "zh": "需采取的后续行动：", "fr": "Suivi nécessaire:",
                        "es": "Seguimiento requerido:"},
    "front.author_unit": {"en": "Author unit:", "zh": "作者单位：", "fr": "Unité auteur:", "es": "Unidad autora:"},
    "front.related_documents": {"en": "Related documents:", "zh": "相关文件：", "fr": "Documents connexes:",
                                "es": "Documentos conexos:"},
    "none": {"en": "None.", "zh": "无。", "fr": "Aucune.", "es": "Ninguna."},
    "decision_pointer": {"en": "(see the draft decision in {paragraphs})", "zh": "(见{paragraphs}决定草案)",
                         "fr": "(voir le projet de décision au {paragraphs})",
                         "es": "(véase el proyecto de decisión en el {paragraphs})"},
    "decision_pointer_many": {"en": "(see the draft decisions in {paragraphs})", "zh": "(见{paragraphs}决定草案)",
                              "fr": "(voir les projets de décision aux {paragraphs})",
                              "es": "(véanse los proyectos de decisión en los {paragraphs})"},
    # body and decision
    "draft_decision": {"en": "Draft decision", "zh": "决定草案", "fr": "Projet de décision",
                       "es": "Proyecto de decisión"},
    "decision_part": {"en": "({letter})", "zh": "({letter})", "fr": "{letter})", "es": "{letter})"},
    "part_next": {"en": ";", "zh": "；", "fr": ";", "es": ";"},
    "part_penultimate": {"en": "; and", "zh": "；以及", "fr": "; et", "es": "; y"},
    "part_last": {"en": ".", "zh": "。", "fr": ".", "es": "."},
    "outcome": {"en": "Outcome {n}:", "zh": "成果 {n}：", "fr": "Résultat {n}:", "es": "Resultado {n}:"},
    "indicator": {"en": "Indicator:", "zh": "指标：", "fr": "Indicateur:", "es": "Indicador:"},
    "baseline": {"en": "Baseline:", "zh": "基线：", "fr": "Niveau de référence:", "es": "Base de referencia:"},
    "target": {"en": "Target:", "zh": "目标：", "fr": "Cible:", "es": "Meta:"},
    "new_indicator": {"en": "New indicator {label}:", "zh": "新的指标{label}：", "fr": "Nouvel indicateur {label}:",
                      "es": "Nuevo indicador {label}:"},
    "revised_indicator": {"en": "Revised indicator:", "zh": "修订的指标：", "fr": "Indicateur révisé:",
                          "es": "Indicador revisado:"},
    "revised_baseline": {"en": "Revised baseline:", "zh": "修订的基线：", "fr": "Niveau de référence révisé:",
                         "es": "Base de referencia revisada:"},
    "revised_target": {"en": "Revised target:", "zh": "修订的目标：", "fr": "Cible révisée:",
                       "es": "Meta revisada:"},
    # citations and lists
    "paragraph": {"en": "paragraph {n}", "zh": "第 {n} 段", "fr": "paragraphe {n}", "es": "párrafo {n}"},
    "paragraphs": {"en": "paragraphs {list}", "zh": "第 {list} 段", "fr": "paragraphes {list}",
                   "es": "párrafos {list}"},
    "citation_separator": {"en": ", ", "zh": "，", "fr": ", ", "es": ", "},
    "list_separator": {"en": ", ", "zh": "、", "fr": ", ", "es": ", "},
    "and": {"en": " and ", "zh": " 和 ", "fr": " et ", "es": " y "},
    # dates: month names and the order of day, month, year
    "date_pattern": {"en": "{day} {month} {year}", "zh": "{year} 年 {month} {day} 日", "fr": "{day} {month} {year}",
                     "es": "{day} de {month} de {year}"},
    "first_day": {"en": "1", "zh": "1", "fr": "1er", "es": "1"},
    **{f"month.{n}": {"en": en, "zh": f"{n} 月", "fr": fr, "es": es} for n, (en, fr, es) in enumerate((
        ("January", "janvier", "enero"), ("February", "février", "febrero"), ("March", "mars", "marzo"),
        ("April", "avril", "abril"), ("May", "mai", "mayo"), ("June", "juin", "junio"),
        ("July", "juillet", "julio"), ("August", "août", "agosto"), ("September", "septembre", "septiembre"),
        ("October", "octobre", "octubre"), ("November", "novembre", "noviembre"),
        ("December", "décembre", "diciembre")), start=1)},
    # decision statuses (the app's names are the English column)
    "decision_status.draft": {"en": "Draft", "zh": "草稿", "fr": "Projet", "es": "Borrador"},
    "decision_status.in_review": {"en": "In review", "zh": "审议中", "fr": "En cours d'examen",
                                  "es": "En revisión"},
    "decision_status.submitted": {"en": "Submitted", "zh": "已提交", "fr": "Soumis", "es": "Presentado"},
    "decision_status.adopted": {"en": "Adopted", "zh": "已通过", "fr": "Adopté", "es": "Adoptado"},
    "decision_status.adopted_as_amended": {"en": "Adopted as amended", "zh": "经修正后通过",
                                           "fr": "Adopté tel que modifié", "es": "Adoptado con enmiendas"},
    "decision_status.deferred": {"en": "Deferred", "zh": "推迟", "fr": "Reporté", "es": "Aplazado"},
    "decision_status.withdrawn": {"en": "Withdrawn", "zh": "撤回", "fr": "Retiré", "es": "Retirado"},
    # paper statuses (the app's names are the English column)
    "paper_status.draft": {"en": "Draft", "zh": "草稿", "fr": "Projet", "es": "Borrador"},
    "paper_status.in_review": {"en": "In review", "zh": "审议中", "fr": "En cours d'examen", "es": "En revisión"},
    "paper_status.issued": {"en": "Issued", "zh": "已印发", "fr": "Publié", "es": "Publicado"},
    "paper_status.decided": {"en": "Decided", "zh": "已决定", "fr": "Décidé", "es": "Decidido"},
    "paper_status.deferred": {"en": "Deferred", "zh": "推迟", "fr": "Reporté", "es": "Aplazado"},
    "paper_status.withdrawn": {"en": "Withdrawn", "zh": "撤回", "fr": "Retiré", "es": "Retirado"},
    # the documents of a session: record of decisions, minutes table of contents
    "date_range_month": {"en": "{first}–{last} {month} {year}", "zh": "{year} 年 {month} {first}–{last} 日",
                         "fr": "{first}-{last} {month} {year}", "es": "{first}-{last} de {month} de {year}"},
    "date_range": {"en": "{first} – {last}", "zh": "{first}至{last}", "fr": "{first} – {last}",
                   "es": "{first} – {last}"},
    "record.title": {"en": "Record of decisions", "zh": "决定记录", "fr": "Relevé des décisions",
                     "es": "Registro de decisiones"},
    "record.decision_symbol": {"en": "{symbol}/Decision", "zh": "{symbol}/Decision", "fr": "{symbol}/Décision",
                               "es": "{symbol}/Decisión"},
    "record.decision_on_item": {"en": "Decision on the {ordinal} item on the agenda: {title}",
                                "zh": "关于议程第{ordinal}项的决定：{title}",
                                "fr": "Décision concernant la {ordinal} question à l'ordre du jour: {title}",
                                "es": "Decisión relativa al {ordinal} punto del orden del día: {title}"},
    "record.decision_concerning": {"en": "Decision concerning {title}", "zh": "关于{title}的决定",
                                   "fr": "Décision concernant {title}", "es": "Decisión relativa a {title}"},
    "record.outcome_on_item": {"en": "Outcome of the discussion on the {ordinal} item on the agenda: {title}",
                               "zh": "关于议程第{ordinal}项的讨论结果：{title}",
                               "fr": "Résultat de la discussion sur la {ordinal} question à l'ordre du jour: {title}",
                               "es": "Resultado de la discusión sobre el {ordinal} punto del orden del día: {title}"},
    "record.outcome_concerning": {"en": "Outcome of the discussion on {title}", "zh": "关于{title}的讨论结果",
                                  "fr": "Résultat de la discussion sur {title}",
                                  "es": "Resultado de la discusión sobre {title}"},
    "record.no_decision": {"en": "The Governing Body took no decision on this item.", "zh": "理事会未就此项议程作出决定。",
                           "fr": "Le Conseil d'administration n'a pris aucune décision sur cette question.",
                           "es": "El Consejo de Administración no adoptó ninguna decisión sobre este punto."},
    "record.deferred": {"en": "The Governing Body deferred consideration of this item to its {ordinal} Session.",
                        "zh": "理事会将此项议程推迟至第 {ordinal} 届会议审议。",
                        "fr": "Le Conseil d'administration a reporté l'examen de cette question à sa {ordinal} session.",
                        "es": "El Consejo de Administración aplazó el examen de este punto a su {ordinal} reunión."},
    "record.withdrawn": {"en": "The draft decision was withdrawn; the Governing Body took no decision on it.",
                         "zh": "决定草案已撤回；理事会未就此作出决定。",
                         "fr": "Le projet de décision a été retiré; le Conseil d'administration n'a pris aucune décision à son sujet.",
                         "es": "El proyecto de decisión fue retirado; el Consejo de Administración no adoptó ninguna decisión al respecto."},
    "record.pending": {"en": "No decision has been recorded yet.", "zh": "尚未记录决定。",
                       "fr": "Aucune décision n'a encore été enregistrée.", "es": "Aún no se ha registrado ninguna decisión."},
    "record_citation": {"en": "({citation}.)", "zh": "（{citation}。）", "fr": "({citation}.)", "es": "({citation}.)"},
    "record_citation_amended": {"en": "({citation}, as amended by the Governing Body.)",
                                "zh": "（{citation}，经理事会修正。）",
                                "fr": "({citation}, tel que modifié par le Conseil d'administration.)",
                                "es": "({citation}, en su forma enmendada por el Consejo de Administración.)"},
    "toc.title": {"en": "Minutes: table of contents", "zh": "会议记录：目录", "fr": "Procès-verbaux: table des matières",
                  "es": "Actas: índice"},
    "toc.item": {"en": "Item No.", "zh": "议程项目编号", "fr": "Question no", "es": "Punto núm."},
    "toc.document": {"en": "Document No.", "zh": "文件编号", "fr": "Document no", "es": "Documento núm."},
    "toc.title_column": {"en": "Title", "zh": "标题", "fr": "Titre", "es": "Título"},
    "toc.page": {"en": "Page", "zh": "页码", "fr": "Page", "es": "Página"},
    "toc.decision_paragraph": {"en": "Decision paragraph No.", "zh": "决定段落编号",
                               "fr": "Paragraphe de la décision no", "es": "Párrafo de la decisión núm."},
    # the indicator revision history report
    "report.title": {"en": "Indicator revision history", "zh": "指标修订历史",
                     "fr": "Historique des révisions des indicateurs", "es": "Historial de revisiones de indicadores"},
    "report.strategy": {"en": "Strategy:", "zh": "战略：", "fr": "Stratégie:", "es": "Estrategia:"},
    "report.period": {"en": "Period:", "zh": "期间：", "fr": "Période:", "es": "Período:"},
    "report.generated": {"en": "Generated:", "zh": "生成时间：", "fr": "Établi le:", "es": "Generado:"},
    "report.revision": {"en": "Revision {n}", "zh": "修订 {n}", "fr": "Révision {n}", "es": "Revisión {n}"},
    "report.type": {"en": "Type", "zh": "类型", "fr": "Type", "es": "Tipo"},
    "report.old_text": {"en": "Old text", "zh": "原指标", "fr": "Ancien texte", "es": "Texto anterior"},
    "report.new_text": {"en": "New text", "zh": "新指标", "fr": "Nouveau texte", "es": "Texto nuevo"},
    "report.old_baseline": {"en": "Old baseline", "zh": "原基线", "fr": "Ancien niveau de référence",
                            "es": "Base de referencia anterior"},
    "report.new_baseline": {"en": "New baseline", "zh": "新基线", "fr": "Nouveau niveau de référence",
                            "es": "Base de referencia nueva"},
    "report.old_target": {"en": "Old target", "zh": "原目标", "fr": "Ancienne cible", "es": "Meta anterior"},
    "report.new_target": {"en": "New target", "zh": "新目标", "fr": "Nouvelle cible", "es": "Meta nueva"},
    "report.reason": {"en": "Reason", "zh": "理由", "fr": "Motif", "es": "Motivo"},
    "report.decision": {"en": "Decision", "zh": "决定", "fr": "Décision", "es": "Decisión"},
    "report.status": {"en": "Status", "zh": "状态", "fr": "Statut", "es": "Estado"},
    "report.effective_date": {"en": "Effective date", "zh": "生效日期", "fr": "Date d'effet",
                              "es": "Fecha de entrada en vigor"},
    "report.proposed_on": {"en": "Proposed on", "zh": "提出日期", "fr": "Proposé le", "es": "Propuesto el"},
    "report.no_revisions": {"en": "No revisions.", "zh": "无修订。", "fr": "Aucune révision.",
                            "es": "Ninguna revisión."},
    "report.not_in_force": {"en": "Not yet in force.", "zh": "尚未生效。", "fr": "Pas encore en vigueur.",
                            "es": "Aún no está en vigor."},
    "report.retired": {"en": "Retired.", "zh": "已撤销。", "fr": "Supprimé.", "es": "Suprimido."},
    "report.type.new": {"en": "New", "zh": "新增", "fr": "Nouveau", "es": "Nuevo"},
    "report.type.revised": {"en": "Revised", "zh": "修订", "fr": "Révisé", "es": "Revisado"},
    "report.type.retired": {"en": "Retired", "zh": "撤销", "fr": "Supprimé", "es": "Suprimido"},
    "report.status.proposed": {"en": "Proposed", "zh": "拟议", "fr": "Proposé", "es": "Propuesto"},
    "report.status.in_force": {"en": "In force", "zh": "生效", "fr": "En vigueur", "es": "En vigor"},
    "report.status.lapsed": {"en": "Lapsed", "zh": "失效", "fr": "Caduc", "es": "Caducado"},
}

_ORDINALS: dict[str, tuple[str, ...]] = {
    "en": ("FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH",
           "ELEVENTH", "TWELFTH", "THIRTEENTH", "FOURTEENTH", "FIFTEENTH", "SIXTEENTH", "SEVENTEENTH",
           "EIGHTEENTH", "NINETEENTH", "TWENTIETH"),
    # "question" is feminine: PREMIÈRE QUESTION
    "fr": ("PREMIÈRE", "DEUXIÈME", "TROISIÈME", "QUATRIÈME", "CINQUIÈME", "SIXIÈME", "SEPTIÈME", "HUITIÈME",
           "NEUVIÈME", "DIXIÈME", "ONZIÈME", "DOUZIÈME", "TREIZIÈME", "QUATORZIÈME", "QUINZIÈME", "SEIZIÈME",
           "DIX-SEPTIÈME", "DIX-HUITIÈME", "DIX-NEUVIÈME", "VINGTIÈME"),
    # "punto" is masculine and the ordinal is apocopated before it: PRIMER PUNTO, TERCER PUNTO
    "es": ("PRIMER", "SEGUNDO", "TERCER", "CUARTO", "QUINTO", "SEXTO", "SÉPTIMO", "OCTAVO", "NOVENO", "DÉCIMO",
           "UNDÉCIMO", "DUODÉCIMO", "DECIMOTERCER", "DECIMOCUARTO", "DECIMOQUINTO", "DECIMOSEXTO",
           "DECIMOSÉPTIMO", "DECIMOCTAVO", "DECIMONOVENO", "VIGÉSIMO"),
}
_DIGITS_ZH = "零一二三四五六七八九"


def label(key: str, language: str, **values) -> str:
    """The label in ``language``, falling back to English for a language without a table."""
    table = _LABELS[key]
    return table.get(language, table["en"]).format(**values)


def in_every_language(key: str) -> tuple[str, ...]:
    """The label in all its languages: to recognise it in text a drafter typed."""
    return tuple(_LABELS[key].values())


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 21 → 二十一, 105 → 一百零五."""
    if n < 10:
        return _DIGITS_ZH[n]
    if n < 20:
        return "十" + (_DIGITS_ZH[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS_ZH[n // 10] + "十" + (_DIGITS_ZH[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + _DIGITS_ZH[rest] if rest < 10 else chinese_number(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return _DIGITS_ZH[hundreds] + "百" + tail


def _english_suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def ordinal_word(n: int, language: str) -> str:
    """The agenda ordinal as the house format writes it: FIFTH, CINQUIÈME, QUINTO; 五 inside 第…项."""
    if language == "zh":
        return chinese_number(n)
    words = _ORDINALS.get(language, _ORDINALS["en"])
    if 1 <= n <= len(words):
        return words[n - 1]
    return label("agenda_ordinal", language, n=n, suffix=_english_suffix(n).upper())


def agenda_line(n: int, language: str) -> str:
    return label("agenda_item", language, ordinal=ordinal_word(n, language))


def session_ordinal(n: int, language: str = "en") -> str:
    """316 → 316th (en), 316e (fr), 316.ª (es), 316 (zh, inside 第…届)."""
    return label("session_ordinal", language, n=n, suffix=_english_suffix(n))


def session_line(n: int, dates: str, language: str) -> str:
    """'316th Session, Geneva, 1–16 November 2012'; without dates the line ends at the place."""
    ordinal = session_ordinal(n, language)
    if dates.strip():
        return label("session_dated", language, ordinal=ordinal, dates=dates.strip())
    return label("session", language, ordinal=ordinal)


def date_range(opening: str, closing: str, language: str) -> str:
    """2012-11-01, 2012-11-16 → '1–16 November 2012' / '2012 年 11 月 1–16 日'; across months or years
    both dates in full ('29 October 2012 – 2 November 2012')."""
    first, last = _dt.date.fromisoformat(opening[:10]), _dt.date.fromisoformat(closing[:10])

    def day(d: _dt.date) -> str:
        return label("first_day", language) if d.day == 1 else str(d.day)

    def full(d: _dt.date) -> str:
        return label("date_pattern", language, year=d.year, month=label(f"month.{d.month}", language), day=day(d))

    if first == last:
        return full(first)
    if (first.year, first.month) == (last.year, last.month):
        return label("date_range_month", language, first=day(first), last=day(last),
                     month=label(f"month.{first.month}", language), year=first.year)
    return label("date_range", language, first=full(first), last=full(last))


def none_text(language: str) -> str:
    return label("none", language)


def language_name(code: str, in_language: str) -> str:
    key = "language." + code
    return label(key, in_language) if key in _LABELS else code


def section_name(code: str, language: str) -> str:
    key = "section." + code
    return label(key, language) if key in _LABELS else code


def number_list(numbers, language: str) -> str:
    """[2, 5, 7] → '2, 5 and 7' (en), '2、5 和 7' (zh), '2, 5 et 7' (fr), '2, 5 y 7' (es)."""
    texts = [str(n) for n in numbers]
    if len(texts) < 2:
        return "".join(texts)
    return label("list_separator", language).join(texts[:-1]) + label("and", language) + texts[-1]


def paragraph_refs(numbers, language: str) -> str:
    """'paragraph 4' or 'paragraphs 4 and 5', in the paper's language (第 4 段, 第 4 和 5 段)."""
    numbers = list(numbers)
    if len(numbers) == 1:
        return label("paragraph", language, n=numbers[0])
    return label("paragraphs", language, list=number_list(numbers, language))
