-- 1,000 published courses, each with a title and summary in eight languages, for Scripts/bench.
-- Words rotate so that every query word matches a share of the courses, as real topics would.
WITH words(language, title_words, summary_words) AS (VALUES
    ('ar', ARRAY['الحروف','القراءة','الكتابة','النحو','الصرف','البلاغة','التجويد','الإملاء','الخط','الأدب'],
           ARRAY['دروس','تمارين','مبتدئين','متقدم','قواعد','نصوص','محادثة','مفردات','اختبارات','شهادة']),
    ('en', ARRAY['letters','reading','writing','grammar','morphology','rhetoric','recitation','spelling','calligraphy','literature'],
           ARRAY['lessons','exercises','beginners','advanced','rules','texts','conversation','vocabulary','quizzes','certificate']),
    ('fr', ARRAY['lettres','lecture','écriture','grammaire','morphologie','rhétorique','récitation','orthographe','calligraphie','littérature'],
           ARRAY['leçons','exercices','débutants','avancé','règles','textes','conversation','vocabulaire','quiz','certificat']),
    ('es', ARRAY['letras','lectura','escritura','gramática','morfología','retórica','recitación','ortografía','caligrafía','literatura'],
           ARRAY['lecciones','ejercicios','principiantes','avanzado','reglas','textos','conversación','vocabulario','cuestionarios','certificado']),
    ('tr', ARRAY['harfler','okuma','yazma','dilbilgisi','morfoloji','belagat','tecvit','imla','hat','edebiyat'],
           ARRAY['dersler','alıştırmalar','başlangıç','ileri','kurallar','metinler','sohbet','kelimeler','sınavlar','sertifika']),
    ('ur', ARRAY['حروف','مطالعہ','تحریر','قواعد','صرف','بلاغت','تجوید','املا','خطاطی','ادب'],
           ARRAY['اسباق','مشقیں','ابتدائی','اعلی','اصول','متون','گفتگو','الفاظ','کوئز','سند']),
    ('ms', ARRAY['huruf','bacaan','tulisan','tatabahasa','morfologi','retorik','tajwid','ejaan','khat','sastera'],
           ARRAY['pelajaran','latihan','pemula','lanjutan','peraturan','teks','perbualan','kosa','kuiz','sijil']),
    ('pt', ARRAY['letras','leitura','escrita','gramática','morfologia','retórica','recitação','ortografia','caligrafia','literatura'],
           ARRAY['lições','exercícios','iniciantes','avançado','regras','textos','conversação','vocabulário','questionários','certificado'])
), created AS (
    INSERT INTO courses (slug, default_language, status, published_at)
    SELECT 'bench-course-' || g, 'ar', 'published', now() - g * interval '1 minute'
    FROM generate_series(1, 1000) AS g
    RETURNING id, slug
)
INSERT INTO course_translations (course_id, language, title, summary)
SELECT c.id, w.language,
       w.title_words[1 + n % 10] || ' ' || w.title_words[1 + (n / 10) % 10] || ' ' || n,
       w.summary_words[1 + n % 10] || ' ' || w.summary_words[1 + (n / 7) % 10] || ' ' || w.title_words[1 + (n / 3) % 10] || ' online ' || n
FROM created c
CROSS JOIN words w
CROSS JOIN LATERAL (SELECT substring(c.slug FROM 14)::int AS n) AS number;
