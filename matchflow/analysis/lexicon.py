# ruff: noqa: SIM905 - word lists read best as whitespace-separated strings
"""Sentiment word lists for English and Russian, tuned to motivation letters and form answers.

Hand-written: the maintained lexicons (VADER, AFINN) are English-only or licence-encumbered, and
the Russian ones (RuSentiLex) are large research downloads. These few hundred words per language
are enough for "is this answer positive, neutral or negative?" and stay reviewable.

Words are given in base form; sentiment.py matches inflected forms through the Snowball stemmer,
so "отличная", "отличные", "отлично" all hit "отличный". Words that are neutral in job texts
("problem-solving", "hard-working", "low latency", "support engineer", "сложные задачи") are left
out on purpose. Strong words (±2) are listed separately from ordinary ones (±1).
"""

from __future__ import annotations

EN_POSITIVE_STRONG = """
excellent amazing awesome wonderful fantastic outstanding superb brilliant perfect best thrilled
delighted love loved adore passionate passion exceptional remarkable magnificent marvelous marvellous
terrific splendid incredible phenomenal excellence inspiring ecstatic overjoyed dream fabulous
"""
EN_POSITIVE = """
good great nice pleasant positive happy glad pleased excited exciting eager enthusiastic enthusiasm
motivated motivation motivating inspire inspired inspiration enjoy enjoyable enjoyed fun interesting
interested fascinating fascinated curious keen grateful thankful thanks appreciate appreciated
appreciation honored honoured proud pride confident confidence success successful succeed
achievement achieve achieved accomplished accomplishment win winning won reward rewarding valuable
valued benefit beneficial impressive impressed favorite favourite admire admired respect respected
trust trusted reliable dedicated dedication committed commitment supportive helpful friendly warm
welcoming collaborative growth opportunity opportunities promising hope hopeful optimistic ideal
smooth efficient effective productive creative innovative innovation fresh comfortable calm stable
safe healthy strength strong skilled talented capable competent qualified excelled thrive
thriving flourish improve improved improvement progress ambitious energetic dynamic engaging engaged
meaningful fulfilling fulfilled satisfying satisfied satisfaction joy joyful cheerful fortunate lucky
elegant beautiful solid worthwhile willing ready recommend recommended praise praised honest fair
generous flexible loyal caring respectful inclusive transparent empowered empowering encourage
encouraging encouraged delightful smart bright easy better liked likes wow glad grow growing
welcome wellbeing balance rewarded best-in-class supportive mentor
mentoring mentorship cool nicely happily gladly eagerly kindly gracious charming impactful impact
benefit benefits win-win upbeat vibrant lively clear clarity proudly advantage advantages
"""
EN_NEGATIVE_STRONG = """
terrible horrible awful worst hate hated hatred disgusting toxic nightmare disaster abusive
miserable dreadful pathetic harassment bullying discrimination hopeless furious outraged appalling
atrocious catastrophe catastrophic unbearable despise loathe
"""
EN_NEGATIVE = """
bad poor worse disappointing disappointed disappointment frustrated frustrating frustration angry
anger annoyed annoying dislike disliked boring bored boredom tired exhausted exhausting burnout
burned stressful stressed unfair unhappy sad upset worried worry worries anxious anxiety fear afraid
scared difficult fail failed failure failures mistake mistakes wrong negative hostile rude lazy
useless pointless meaningless waste wasted wasting chaotic chaos mess messy conflict conflicts
complain complained complaint complaints regret regrets unfortunately unfortunate lacking lost
losing weak incompetent unprofessional micromanagement micromanaged overworked underpaid
stagnant stagnation stuck layoff layoffs fired hurt pain painful ugly nasty dread depressed
depressing depression lonely ignored neglected unstable insecure unsafe harmful damage damaged
confusing confused unclear complicated tedious monotonous repetitive dull unpleasant uncomfortable
disorganized inefficient ineffective unreliable dishonest unpaid delayed overtime blame blamed
criticized shame ashamed guilty sorry concern concerned doubt doubtful skeptical pessimistic
helpless desperate crisis inferior mediocre lousy ridiculous stupid absurd outdated obsolete
bureaucracy bureaucratic rigid demotivated unmotivated reluctant refused rejected denied sadly
badly worthless tough struggle struggled struggling suffer suffered suffering annoyance irritated
irritating dissatisfied dissatisfaction unhappiness betrayed cheated misled exploited grueling
overwhelmed overwhelming unfortunate unclear unorganized awkward afraid nervous gloomy bitter
"""

RU_POSITIVE_STRONG = """
отличный превосходный великолепный прекрасный замечательный потрясающий чудесный идеальный лучший
восторг восхищение восхищаться восхитительный обожать любить люблю любовь мечта мечтать счастье
счастливый вдохновение вдохновлять вдохновляющий блестящий безупречный шикарный изумительный
"""
RU_POSITIVE = """
хороший хорошо интересный интерес интересоваться увлекательный увлеченный увлекаться увлечение
мотивация мотивированный мотивировать рад рада рады радость радостный доволен довольный
удовольствие нравиться нравится понравилось любимый благодарный благодарность благодарить спасибо
ценить ценный уважение уважать гордиться гордость уверен уверена уверенный уверенность успех успешный успешно
достижение достигать достигнуть победа побеждать полезный польза эффективный продуктивный
креативный творческий инновационный надежный стабильный стабильность комфортный комфортно удобный
дружный дружелюбный поддержка поддерживать приятный приятно позитивный оптимистичный перспективный
перспектива возможность рост развитие развиваться профессиональный талантливый способный сильный
честный справедливый прозрачный гибкий щедрый готовый желание стремиться стремление
энтузиазм энергичный активный вовлеченный страсть классный круто крутой супер здорово отзывчивый
внимательный заботливый качественный удачный удачно повезло спокойный уютный понятный легко легкий
смелый вдохновленный воодушевлять воодушевление воодушевленный восхищать привлекать привлекательный
ценность значимый осмысленный полезно радовать порадовать обрадовать нравятся
вызов достойный достойно порядочный уважаемый востребованный амбициозный целеустремленный
ответственный заинтересованный заинтересовать заинтересованность одобрять одобрение похвала
хвалить улучшение улучшать прогресс процветать счастлив рад довольна благодарна искренне искренний
теплый дружелюбно весело веселый забавный увлекательно интересно замечательно отлично прекрасно
великолепно чудесно превосходно идеально
"""
RU_NEGATIVE_STRONG = """
ужасный ужасно отвратительный худший ненавидеть ненависть кошмар катастрофа токсичный травля
дискриминация унижение ужас омерзительный невыносимый бесить кошмарный отвратительно мерзкий
"""
RU_NEGATIVE = """
плохой плохо хуже скучный скучно скука разочарование разочарован разочаровать разочаровывать
неприятный неприятно грустный грустно печальный печаль злость раздражать раздражение устал
устала усталость утомлять выгорание выгорать стресс стрессовый несправедливый несправедливость
недоволен недовольный недовольство беспокоить беспокойство тревога тревожный страх бояться
страшный ошибка провал провалиться неудача неудачный бесполезный бессмысленный хаос бардак
конфликт жалоба жаловаться сожалеть сожаление потеря потерять слабый некомпетентный
непрофессиональный переработка недоплата застой тупик увольнение уволить больно боль кризис
грубый грубость хамство лень ленивый непонятный запутанный нудный однообразный монотонный рутина
рутинный вредный опасный нестабильный ненадежный обман обмануть нечестный задержка задерживать
штраф штрафы обидно обида отказ отказать критика бюрократия устаревший демотивировать
демотивация надоесть надоело утомительный изнурительный тяжело депрессия одиночество
игнорировать равнодушие равнодушный безразличие неинтересный неинтересно скучать грусть злиться
злой страдать страдание мучение мучиться жаль увы проблемный нервный нервничать напряженный
напряжение беспорядок неорганизованный неэффективный бездарный глупый нелепый абсурдный
неуважение пренебрежение давить переживать разочарованный недоволен недовольна негативный
пессимистичный безнадежный беспомощный отчаяние отчаянный ненадежный сомнение сомневаться
"""

EN_NEGATORS = frozenset("""
not no never none nobody nothing neither nor without cannot cant dont doesnt didnt isnt wasnt
arent werent wont wouldnt couldnt shouldnt havent hasnt hadnt aint hardly barely lack lacks
""".split())
RU_NEGATORS = frozenset("не нет ни никогда ничуть нисколько без отнюдь вовсе".split())

INTENSIFIERS = {  # multiplier for the next sentiment word
    **dict.fromkeys(
        """very really extremely truly highly incredibly absolutely deeply especially particularly
        super totally completely so too most utterly immensely tremendously exceptionally""".split(), 1.5),
    **dict.fromkeys(
        """очень крайне весьма чрезвычайно невероятно абсолютно совершенно действительно реально
        особенно безумно сильно так настолько самый максимально исключительно""".split(), 1.5),
    **dict.fromkeys("slightly somewhat bit little kinda fairly rather mildly".split(), 0.5),
    **dict.fromkeys("немного слегка чуть отчасти несколько слабо".split(), 0.5),
}
CONTRAST_WORDS = frozenset("but however yet но однако зато".split())  # what follows weighs more
IGNORED_FORMS = frozenset("ради любой любая любое любые любых любого любому любым".split())  # stem clashes
